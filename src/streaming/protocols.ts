/**
 * Names Kubernetes' streaming protocols use on the wire: subprotocols, headers, stream types
 * and channel numbers (k8s.io/apimachinery `remotecommand`, `portforward`, `httpstream`).
 */

/** Remote command (exec/attach) protocol versions, newest first. */
export const RemoteCommandProtocol = {
  v5: 'v5.channel.k8s.io',
  v4: 'v4.channel.k8s.io',
  v3: 'v3.channel.k8s.io',
  v2: 'v2.channel.k8s.io',
  v1: 'channel.k8s.io',
} as const;

/** What SPDY exec/attach accepts, in preference order (as the kubelet: v5 is WebSocket-only). */
export const spdyRemoteCommandProtocols: readonly string[] = [RemoteCommandProtocol.v4, RemoteCommandProtocol.v3, RemoteCommandProtocol.v2, RemoteCommandProtocol.v1];

/** The port-forward protocol over SPDY. */
export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

/** kubectl 1.31+ tunnels SPDY port-forward through a WebSocket with this subprotocol prefix. */
export const SPDY_TUNNEL_PREFIX = 'SPDY/3.1+';

export const Header = {
  streamProtocolVersion: 'X-Stream-Protocol-Version',
  acceptedStreamProtocolVersions: 'X-Accepted-Stream-Protocol-Versions',
  streamType: 'streamType',
  port: 'port',
  requestId: 'requestID',
} as const;

/** SPDY stream types of exec/attach (`streamType` header). */
export type RemoteCommandStreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

/** WebSocket channel numbers of exec/attach. */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4 } as const;

/** v5's "close this channel" message: `[255, channel]`. */
export const CLOSE_CHANNEL = 255;

/** Remote-command protocol versions that carry resize events (v3 added them). */
export function supportsResize(protocol: string): boolean {
  return protocol === RemoteCommandProtocol.v5 || protocol.startsWith('v4.') || protocol === RemoteCommandProtocol.v3;
}

/** Versions whose error channel carries a JSON Status with the exit code (v4 added it). */
export function sendsStatusJson(protocol: string): boolean {
  return protocol === RemoteCommandProtocol.v5 || protocol.startsWith('v4.');
}

/**
 * The first protocol the client offers that the server supports (the client's order wins,
 * as in apimachinery's `httpstream` negotiation); undefined when there is none.
 *
 * @example
 * negotiate(['v5.channel.k8s.io', 'v4.channel.k8s.io'], spdyRemoteCommandProtocols); // 'v4.channel.k8s.io'
 */
export function negotiate(client: readonly string[], server: readonly string[]): string | undefined {
  return client.find((p) => server.includes(p));
}
