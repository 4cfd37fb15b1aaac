import { Header } from '../protocols.js';
import type { SpdyConnection } from '../spdy/spdy-connection.js';
import type { SpdyStream } from '../spdy/spdy-stream.js';
import { pipeBoth, type PortConnector } from './pipe.js';

interface StreamPair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** Checks a port-forward stream's headers; the message is what the kubelet says. */
function invalidStream(s: SpdyStream): string | undefined {
  const port = s.header(Header.port);
  if (!port) return `"${Header.port}" header is required`;
  const n = Number(port);
  if (!/^\d+$/.test(port) || n > 65535) return `unable to parse "${port}" as a port`;
  if (n < 1) return `port "${port}" must be > 0`;
  const type = s.header(Header.streamType);
  if (!type) return `"${Header.streamType}" header is required`;
  if (type !== 'error' && type !== 'data') return `invalid stream type "${type}"`;
  return undefined;
}

/**
 * Serves port-forward on a SPDY session (kubectl, every version): per forwarded connection
 * the client opens an error stream and a data stream sharing a `requestID`; once both are
 * there, the pod's port is dialed and bytes flow until either side closes. Failures are
 * written on the error stream (`error forwarding port 80 to pod web, uid …: …`).
 *
 * @example
 * servePortForwardStreams(new SpdyConnection(socket, { server: true }), { pod: 'web', uid }, connect);
 */
export function servePortForwardStreams(conn: SpdyConnection, target: { pod: string; uid: string }, connect: PortConnector, streamCreationTimeoutMs = 30_000): void {
  const pairs = new Map<string, StreamPair>();
  conn.on('stream', (s: SpdyStream) => {
    const problem = invalidStream(s);
    if (problem) {
      s.reset();
      return;
    }
    s.reply();
    // Old clients sent no requestID: the kubelet derives one from the stream ids.
    const type = s.header(Header.streamType) as 'data' | 'error';
    const requestId = s.header(Header.requestId) ?? String(type === 'error' ? s.id : s.id - 2);
    let pair = pairs.get(requestId);
    if (!pair) {
      const timer = setTimeout(() => {
        pairs.delete(requestId);
        pair?.error?.end(`timed out waiting for streams of request ${requestId}`);
        pair?.data?.reset();
      }, streamCreationTimeoutMs);
      timer.unref();
      pair = { timer };
      pairs.set(requestId, pair);
    }
    if (pair[type]) {
      pair.error?.write(`error processing stream for request ${requestId}: ${type} stream already assigned`);
      s.reset();
      return;
    }
    pair[type] = s;
    if (pair.data && pair.error) {
      clearTimeout(pair.timer);
      pairs.delete(requestId);
      void forward(pair.data, pair.error, target, connect);
    }
  });
  conn.on('close', () => {
    for (const p of pairs.values()) clearTimeout(p.timer);
    pairs.clear();
  });
}

async function forward(data: SpdyStream, error: SpdyStream, target: { pod: string; uid: string }, connect: PortConnector): Promise<void> {
  const port = Number(data.header(Header.port));
  // The client closes its side of the error stream at once; keep it readable so it can finish.
  error.resume();
  try {
    const pod = await connect(port);
    await pipeBoth(data, data, pod);
  } catch (err) {
    if (!error.writableEnded) error.write(`error forwarding port ${port} to pod ${target.pod}, uid ${target.uid}: ${(err as Error).message}`);
    if (!data.writableEnded) data.end();
  }
  if (!error.writableEnded) error.end();
}
