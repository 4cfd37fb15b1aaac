import type { WebSocket } from 'ws';
import { channelCodec, WsChannels } from '../ws-channels.js';
import { pipeBoth, type PortConnector } from './pipe.js';

/** WebSocket subprotocols of channel-based port-forward, as the kubelet offers them. */
export const webSocketPortForwardProtocols: readonly string[] = ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io', ''];

/** The `ports` query of a WebSocket port-forward (`ports=80` or `ports=80,443`); throws the kubelet's message. */
export function parsePorts(query: URLSearchParams): number[] {
  const values = query.getAll('ports');
  if (values.length === 0) throw new Error('query parameter "ports" is required');
  const ports: number[] = [];
  for (const v of values) {
    if (!v) throw new Error('query parameter "ports" cannot be empty');
    for (const p of v.split(',')) {
      const n = Number(p);
      if (!/^\d+$/.test(p) || n > 65535) throw new Error(`unable to parse "${p}" as a port`);
      if (n < 1) throw new Error(`port "${p}" must be > 0`);
      ports.push(n);
    }
  }
  return ports;
}

/**
 * Channel-based port-forward over a WebSocket (client libraries such as
 * @kubernetes/client-node): port i uses channel 2i for data and 2i+1 for errors, and each
 * channel's first message is the port as little-endian uint16. The socket closes once every
 * port's connection ended.
 */
export async function serveWebSocketPortForward(ws: WebSocket, protocol: string, ports: number[], target: { pod: string; uid: string }, connect: PortConnector): Promise<void> {
  const channels = new WsChannels(ws, channelCodec(protocol));
  ws.on('error', () => ws.terminate());
  await Promise.all(
    ports.map(async (port, i) => {
      const data = i * 2;
      const error = i * 2 + 1;
      // Registered before dialing: what the client sends meanwhile waits in the stream.
      const fromClient = channels.readable(data);
      const portBytes = Buffer.alloc(2);
      portBytes.writeUInt16LE(port);
      channels.send(data, portBytes);
      channels.send(error, portBytes);
      try {
        const pod = await connect(port);
        await pipeBoth(fromClient, channels.writable(data), pod);
      } catch (err) {
        channels.send(error, Buffer.from(`error forwarding port ${port} to pod ${target.pod}, uid ${target.uid}: ${(err as Error).message}`));
      }
    }),
  );
  if (ws.readyState === ws.OPEN) ws.close(1000);
}
