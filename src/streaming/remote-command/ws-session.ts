import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecStatus } from '../exec-status.js';
import { Channel, RemoteCommandProtocol, sendsStatusJson } from '../protocols.js';
import { parseTerminalSize, TerminalSizeQueue } from '../terminal-size.js';
import { acceptWebSocket } from '../ws-accept.js';
import { channelCodec, WsChannels } from '../ws-channels.js';
import type { RemoteCommandOptions } from './options.js';
import { endWritable, type RemoteCommandSession } from './session.js';

/** WebSocket subprotocols for exec/attach, in the server's preference (the client's order wins). */
export const webSocketRemoteCommandProtocols: readonly string[] = [
  RemoteCommandProtocol.v5,
  RemoteCommandProtocol.v4,
  'v4.base64.channel.k8s.io',
  RemoteCommandProtocol.v1,
  'base64.channel.k8s.io',
  '',
];

/**
 * Accepts a WebSocket exec/attach (kubectl 1.30+, client libraries): channel 0 stdin,
 * 1 stdout, 2 stderr, 3 the Status, 4 resize. As the kubelet, it first sends an empty message
 * on the lowest writable channel so the client knows the session is up, and writes only on
 * channels that were requested.
 */
export async function acceptWebSocketRemoteCommand(req: IncomingMessage, socket: Duplex, head: Buffer, opts: RemoteCommandOptions): Promise<RemoteCommandSession | undefined> {
  const accepted = await acceptWebSocket(req, socket, head, webSocketRemoteCommandProtocols);
  if (!accepted) return undefined;
  const { ws, protocol } = accepted;
  const channels = new WsChannels(ws, channelCodec(protocol));
  const controller = new AbortController();
  ws.once('close', () => controller.abort());
  ws.on('error', () => ws.terminate());

  const resizes = new TerminalSizeQueue();
  channels.readable(Channel.resize).setEncoding('utf8').on('data', (text: string) => {
    const size = parseTerminalSize(text);
    if (size) resizes.push(size);
  });
  const stdout = opts.stdout ? channels.writable(Channel.stdout) : undefined;
  const stderr = opts.stderr ? channels.writable(Channel.stderr) : undefined;
  channels.send(opts.stdout ? Channel.stdout : opts.stderr ? Channel.stderr : Channel.error, Buffer.alloc(0));

  return {
    protocol,
    stdin: opts.stdin ? channels.readable(Channel.stdin) : undefined,
    stdout,
    stderr,
    tty: opts.tty,
    resizes,
    signal: controller.signal,
    async finish(status: ExecStatus) {
      await Promise.all([endWritable(stdout), endWritable(stderr)]);
      if (sendsStatusJson(protocol)) channels.send(Channel.error, Buffer.from(JSON.stringify(status)));
      else if (status.status !== 'Success') channels.send(Channel.error, Buffer.from(status.message ?? 'error'));
      // A normal close frame; ws waits for the client's close (client-go closes once it read everything).
      if (ws.readyState === ws.OPEN) ws.close(1000);
    },
  };
}
