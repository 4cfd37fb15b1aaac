import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { headerList, restoreHead, writeRawResponse, writeSpdyUpgrade } from '../http-upgrade.js';
import { Header, negotiate, sendsStatusJson, spdyRemoteCommandProtocols, supportsResize, type RemoteCommandStreamType } from '../protocols.js';
import { SpdyConnection } from '../spdy/spdy-connection.js';
import type { SpdyStream } from '../spdy/spdy-stream.js';
import { JsonObjectSplitter, parseTerminalSize, TerminalSizeQueue } from '../terminal-size.js';
import type { ExecStatus } from '../exec-status.js';
import type { RemoteCommandOptions } from './options.js';
import { endWritable, type RemoteCommandSession } from './session.js';

const streamTypes = new Set<RemoteCommandStreamType>(['error', 'stdin', 'stdout', 'stderr', 'resize']);

/**
 * Accepts a SPDY exec/attach upgrade (kubectl before 1.30, and 1.30+ when WebSockets fail):
 * negotiates the protocol from X-Stream-Protocol-Version, answers 101, then waits for the
 * client to open one stream per requested stdio stream plus the error stream (and a resize
 * stream for a TTY on v3+). Resolves undefined when the handshake failed (the client was
 * told why) or the streams never came.
 */
export async function acceptSpdyRemoteCommand(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  opts: RemoteCommandOptions,
  streamCreationTimeoutMs = 30_000,
): Promise<RemoteCommandSession | undefined> {
  const offered = headerList(req, Header.streamProtocolVersion);
  if (offered.length === 0) {
    writeRawResponse(socket, 400, `unable to upgrade: ${Header.streamProtocolVersion} is required\n`);
    return undefined;
  }
  const protocol = negotiate(offered, spdyRemoteCommandProtocols);
  if (!protocol) {
    writeRawResponse(
      socket,
      403,
      `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${spdyRemoteCommandProtocols.join(' ')}]\n`,
      { [Header.acceptedStreamProtocolVersions]: spdyRemoteCommandProtocols.join(', ') },
    );
    return undefined;
  }
  writeSpdyUpgrade(socket, protocol);
  restoreHead(socket, head);
  const conn = new SpdyConnection(socket, { server: true });
  const expected = 1 + Number(opts.stdin) + Number(opts.stdout) + Number(opts.stderr) + Number(opts.tty && supportsResize(protocol));
  const streams = new Map<RemoteCommandStreamType, SpdyStream>();
  const ok = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), streamCreationTimeoutMs);
    conn.on('stream', (s: SpdyStream) => {
      const type = s.header(Header.streamType) as RemoteCommandStreamType | undefined;
      if (!type || !streamTypes.has(type)) {
        s.reset();
        return;
      }
      s.reply();
      streams.set(type, s);
      if (streams.size === expected) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    conn.once('close', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!ok) {
    conn.destroy();
    return undefined;
  }

  const controller = new AbortController();
  conn.once('close', () => controller.abort());
  const resizes = new TerminalSizeQueue();
  const resize = streams.get('resize');
  if (resize) {
    const split = new JsonObjectSplitter();
    resize.setEncoding('utf8').on('data', (text: string) => {
      for (const obj of split.push(text)) {
        const size = parseTerminalSize(obj);
        if (size) resizes.push(size);
      }
    });
  }
  const errorStream = streams.get('error')!;

  return {
    protocol,
    stdin: opts.stdin ? streams.get('stdin') : undefined,
    stdout: opts.stdout ? streams.get('stdout') : undefined,
    stderr: opts.stderr ? streams.get('stderr') : undefined,
    tty: opts.tty,
    resizes,
    signal: controller.signal,
    async finish(status: ExecStatus) {
      await Promise.all([endWritable(streams.get('stdout')), endWritable(streams.get('stderr'))]);
      if (sendsStatusJson(protocol)) errorStream.write(JSON.stringify(status));
      else if (status.status !== 'Success') errorStream.write(status.message ?? 'error');
      // We never write on stdin or resize: our FIN lets those streams finish as soon as the client's does.
      await Promise.all([endWritable(errorStream), endWritable(streams.get('stdin')), endWritable(resize)]);
      conn.close();
    },
  };
}
