import type { Writable } from 'node:stream';
import type { TerminalSize } from '../../streaming/terminal-size.js';
import type { LiveStdio } from '../runtime/container-runtime.js';
import type { StdioStreams } from './contracts.js';

/**
 * Connects one `kubectl attach` to a container's live stdio until the container exits or
 * the client goes away: output as the runtime reads it (one stream on a terminal), input
 * into the container's stdin, and the client's terminal size onto the container's.
 *
 * stdinOnce closes the container's stdin for good when the first attach that used it ends
 * — or, without a terminal, as soon as the client's input ends (`echo hi | kubectl run -i`),
 * as containerd does; bytes already sent are delivered first (end-of-file comes only once
 * our own writer closed too).
 *
 * @example
 * const handle = runtime.attachStdio?.(containerId);
 * if (handle) await attachLive(handle.live, handle.exited, stdio);
 */
export async function attachLive(live: LiveStdio, exited: Promise<void>, stdio: StdioStreams): Promise<void> {
  const unsubscribe = live.subscribe((stream, chunk) => {
    const out = live.tty || stream === 'stdout' ? stdio.stdout : stdio.stderr;
    if (out && !out.destroyed) out.write(chunk);
  });
  const input = stdio.stdin;
  const writer: Writable | undefined = input ? live.openStdin() : undefined;
  if (input && writer) {
    writer.on('error', () => input.unpipe(writer));
    input.pipe(writer, { end: false });
    input.once('end', () => {
      if (live.stdinOnce && !live.tty) live.closeStdin();
      writer.end();
    });
  } else input?.resume();
  const onResize = (size: TerminalSize): void => live.resize(size);
  if (live.tty) {
    if (stdio.resizes.current) live.resize(stdio.resizes.current);
    stdio.resizes.on('resize', onResize);
  }
  const detached = new Promise<void>((resolve) => {
    if (stdio.signal.aborted) resolve();
    else stdio.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    await Promise.race([exited, detached]);
  } finally {
    unsubscribe();
    stdio.resizes.off('resize', onResize);
    if (input && writer) {
      input.unpipe(writer);
      writer.end();
    }
    if (input && live.stdinOnce) live.closeStdin();
  }
}
