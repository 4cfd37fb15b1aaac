import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, watch } from 'node:fs';
import { Writable, type Readable } from 'node:stream';

/**
 * Connects a client's stdin to a child process: data flows in, the client's EOF closes the
 * pipe, and a process that exits without reading does not turn into an EPIPE crash.
 */
export function feedStdin(from: Readable | undefined, to: Writable | null): void {
  if (!from || !to) return;
  to.on('error', () => from.unpipe(to));
  from.pipe(to);
}

/** Copies process output to a client stream without ending it (the session ends it after the Status). */
export function forwardOutput(from: Readable | null, to: Writable | undefined): Promise<void> {
  if (!from) return Promise.resolve();
  return new Promise((resolve) => {
    from.on('data', (chunk: Buffer) => {
      if (to && !to.destroyed && !to.write(chunk)) from.pause();
    });
    to?.on('drain', () => from.resume());
    from.once('end', resolve);
    from.once('close', resolve);
    from.once('error', () => resolve());
  });
}

/**
 * Watches for the pid file the OCI runtime writes once the exec'd process runs: until then
 * anything on stderr is the runtime's own complaint, after it the process's output.
 */
export function watchPidFile(dir: string, pidFile: string, onStarted: () => void): () => void {
  let done = false;
  const check = (): void => {
    if (!done && existsSync(pidFile)) {
      done = true;
      watcher.close();
      onStarted();
    }
  };
  const watcher = watch(dir, check);
  watcher.on('error', () => undefined);
  check();
  return () => {
    check();
    done = true;
    watcher.close();
  };
}

/** The host pid of the exec'd process, if it started. */
export function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves with the exit code once the child exited (a signal counts as 128 + its number). */
export function exitCode(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? 128 + signalNumber(signal)));
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return (signal && numbers[signal]) || 1;
}

/** Buffers what is written until open(), then passes it (and everything after) to `target`. */
export class HeldWriter extends Writable {
  private held: Buffer[] = [];
  private opened = false;

  constructor(private readonly target: Writable | undefined) {
    super();
  }

  open(): void {
    this.opened = true;
    for (const chunk of this.held.splice(0)) this.target?.write(chunk);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (!this.opened) {
      this.held.push(chunk);
      return cb();
    }
    if (!this.target || this.target.destroyed || this.target.write(chunk)) return cb();
    this.target.once('drain', () => cb());
  }
}
