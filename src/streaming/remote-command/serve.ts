import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { internalErrorStatus, type ExecStatus } from '../exec-status.js';
import { isSpdyRequest, isWebSocketRequest, writeRawResponse } from '../http-upgrade.js';
import { parseRemoteCommandOptions, RemoteCommandOptionsError, type RemoteCommandOptions } from './options.js';
import type { RemoteCommandSession, RemoteCommandStreams } from './session.js';
import { acceptSpdyRemoteCommand } from './spdy-session.js';
import { acceptWebSocketRemoteCommand } from './ws-session.js';

/** Runs the command (or attaches) once the client's streams are up; resolves with the Status to report. */
export type RemoteCommandRunner = (streams: RemoteCommandStreams, opts: RemoteCommandOptions) => Promise<ExecStatus>;

/** Negotiates exec/attach over WebSocket or SPDY, whichever the request asks for. */
export async function acceptRemoteCommand(req: IncomingMessage, socket: Duplex, head: Buffer, opts: RemoteCommandOptions): Promise<RemoteCommandSession | undefined> {
  if (isWebSocketRequest(req)) return acceptWebSocketRemoteCommand(req, socket, head, opts);
  if (isSpdyRequest(req)) return acceptSpdyRemoteCommand(req, socket, head, opts);
  writeRawResponse(socket, 400, 'Upgrade request required\n');
  return undefined;
}

/**
 * Serves one exec or attach on an upgraded connection, whatever the protocol: parses the
 * options, negotiates the session, runs `run` and reports its Status. Failures before the
 * upgrade are plain-text HTTP errors (kubectl prints them after "unable to upgrade
 * connection:"); failures after it are InternalError Statuses.
 *
 * @example
 * server.on('upgrade', (req, socket, head) => serveRemoteCommand(req, socket, head, url.searchParams, true, run));
 */
export async function serveRemoteCommand(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  query: URLSearchParams,
  requireCommand: boolean,
  run: RemoteCommandRunner,
): Promise<void> {
  let opts: RemoteCommandOptions;
  try {
    opts = parseRemoteCommandOptions(query, requireCommand);
  } catch (err) {
    if (!(err instanceof RemoteCommandOptionsError)) throw err;
    writeRawResponse(socket, 400, `${err.message}\n`);
    return;
  }
  const session = await acceptRemoteCommand(req, socket, head, opts);
  if (!session) return;
  let status: ExecStatus;
  try {
    status = await run(session, opts);
  } catch (err) {
    status = internalErrorStatus((err as Error).message);
  }
  await session.finish(status);
}
