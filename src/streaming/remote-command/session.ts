import type { Readable, Writable } from 'node:stream';
import type { ExecStatus } from '../exec-status.js';
import type { TerminalSizeQueue } from '../terminal-size.js';

/**
 * The client's side of an exec or attach, whatever the wire protocol: the streams it asked
 * for, its terminal sizes, and an abort signal for when it goes away.
 */
export interface RemoteCommandStreams {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  tty: boolean;
  resizes: TerminalSizeQueue;
  /** Aborted when the client disconnects before the command ended. */
  signal: AbortSignal;
}

/** A negotiated session: the streams plus how to end it. */
export interface RemoteCommandSession extends RemoteCommandStreams {
  /** The subprotocol in use (`v5.channel.k8s.io`, `v4.channel.k8s.io` …). */
  protocol: string;
  /** Flushes output, reports the Status on the error stream and closes the session. */
  finish(status: ExecStatus): Promise<void>;
}

/** Ends a writable and waits until what was written went out (or the stream failed). */
export function endWritable(w: Writable | undefined): Promise<void> {
  if (!w || w.writableFinished || w.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    w.once('finish', resolve);
    w.once('close', resolve);
    w.once('error', () => resolve());
    w.end();
  });
}
