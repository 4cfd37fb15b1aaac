import { constants, openSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { TerminalSize } from '../../streaming/terminal-size.js';
import type { LogStream } from '../logs/cri-format.js';
import type { ContainerStdioConfig, LiveStdio } from './container-runtime.js';
import { shellQuote } from './host-exec.js';

/** The terminal a `tty: true` container starts with, until someone attaches with a size. */
export const defaultTerminalSize: TerminalSize = { width: 80, height: 24 };

/** The stdin and terminal files of one container inside its bundle directory. */
export interface StdioFiles {
  /** FIFO the main process (or its terminal) reads. */
  stdin: string;
  /** Pid of the process that holds the FIFO's write end open while the container runs. */
  holderPid: string;
  /** The host terminal (`/dev/pts/N`) whose size the container's terminal follows. */
  ttyName: string;
}

export function stdioFiles(bundle: string): StdioFiles {
  return { stdin: join(bundle, 'stdin.fifo'), holderPid: join(bundle, 'stdin.holder'), ttyName: join(bundle, 'tty') };
}

/** Shell lines that create the stdin FIFO, for containers that keep stdin or a terminal. */
export function makeStdinFifoCommand(files: StdioFiles): string {
  const p = shellQuote(files.stdin);
  return `rm -f ${p} && mkfifo -m 600 ${p}`;
}

/**
 * The shim's stdin for a container: `/dev/null`, or — with `stdin: true` or a terminal — the
 * FIFO, whose write end a detached `sleep` holds open (fd 3) so the process never reads
 * end-of-file while nobody is attached, not even while the agent restarts. Killing that
 * holder (stdinOnce after the first attach) is what closes the container's stdin.
 */
export function shimStdinLines(files: StdioFiles | undefined): string {
  if (!files) return 'exec 0</dev/null';
  const fifo = shellQuote(files.stdin);
  const pidFile = shellQuote(files.holderPid);
  return [
    `sleep infinity 3<>${fifo} </dev/null >/dev/null 2>&1 & holder=$!`,
    `echo $holder > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}`,
    `exec 0<${fifo}`,
  ].join('; ');
}

/**
 * The runtime argv wrapped for a `tty: true` container. runc, in the foreground with
 * `terminal: true`, makes the container's console itself and mirrors it onto its own
 * terminal, following that terminal's size (SIGWINCH). util-linux `script` gives it one: a
 * pseudo-terminal whose master `script` owns and copies to the shim's FIFOs, so the console
 * outlives any attach and any agent restart. The inner shell sets that terminal raw at the
 * starting size and records its name, where resizes are applied (`stty -F`).
 */
export function ttyWrappedArgv(argv: readonly string[], files: StdioFiles, size: TerminalSize = defaultTerminalSize): string[] {
  const name = shellQuote(files.ttyName);
  const setup = `stty raw -echo cols ${size.width} rows ${size.height} 2>/dev/null; tty > ${name}.tmp && mv ${name}.tmp ${name}`;
  return ['script', '-q', '-e', '-c', `${setup}; exec ${argv.map(shellQuote).join(' ')}`, '/dev/null'];
}

/**
 * The live stdio of one running container, for `kubectl attach`: its output as the log pump
 * reads it, a writer into its stdin FIFO, closing stdin for good (stdinOnce), and terminal
 * resizes. Everything it needs is on disk, so a restarted agent gets it back.
 */
export class ContainerStdio implements LiveStdio {
  private readonly listeners = new Set<(stream: LogStream, chunk: Buffer) => void>();
  private stdinClosed = false;
  private resizing = false;
  private pendingSize?: TerminalSize;

  constructor(
    readonly config: ContainerStdioConfig,
    private readonly files: StdioFiles,
  ) {}

  get stdin(): boolean {
    return this.config.stdin;
  }

  get stdinOnce(): boolean {
    return this.config.stdinOnce;
  }

  get tty(): boolean {
    return this.config.tty;
  }

  /** The log pump's tap: hands each chunk to every attached client. */
  publish(stream: LogStream, chunk: Buffer): void {
    for (const l of this.listeners) l(stream, chunk);
  }

  subscribe(listener: (stream: LogStream, chunk: Buffer) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  openStdin(): Writable | undefined {
    if (!this.config.stdin || this.stdinClosed || this.holderPid() === undefined) return undefined;
    try {
      // Non-blocking: the process (or its terminal) holds the read end, so this cannot wait.
      const fd = openSync(this.files.stdin, constants.O_WRONLY | constants.O_NONBLOCK);
      const socket = new net.Socket({ fd, readable: false, writable: true });
      socket.on('error', () => socket.destroy());
      return socket;
    } catch {
      return undefined;
    }
  }

  closeStdin(): void {
    if (this.stdinClosed) return;
    this.stdinClosed = true;
    const pid = this.holderPid();
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  resize(size: TerminalSize): void {
    if (!this.config.tty || size.width === 0 || size.height === 0) return;
    // Only the newest size matters: a burst of resizes costs at most one `stty` in flight.
    this.pendingSize = size;
    if (!this.resizing) void this.applySizes();
  }

  private async applySizes(): Promise<void> {
    this.resizing = true;
    for (let size = this.pendingSize; size; size = this.pendingSize) {
      this.pendingSize = undefined;
      await this.applySize(size);
    }
    this.resizing = false;
  }

  /** `stty -F` on the terminal runc follows: runc then resizes the container's console. */
  private applySize(size: TerminalSize): Promise<void> {
    return new Promise<void>((resolve) => {
      let dev: string;
      try {
        dev = readFileSync(this.files.ttyName, 'utf8').trim();
      } catch {
        return resolve();
      }
      if (!dev.startsWith('/dev/pts/')) return resolve();
      const p = spawn('stty', ['-F', dev, 'cols', String(size.width), 'rows', String(size.height)], { stdio: 'ignore' });
      p.once('exit', () => resolve());
      p.once('error', () => resolve());
    });
  }

  /** The holder's pid, if it still holds this container's FIFO (a pid alone could be reused). */
  private holderPid(): number | undefined {
    try {
      const pid = Number.parseInt(readFileSync(this.files.holderPid, 'utf8'), 10);
      if (!Number.isInteger(pid) || pid <= 0) return undefined;
      // The kernel names the FIFO by its real path (the data dir may sit behind a symlink).
      return readlinkSync(`/proc/${pid}/fd/3`) === realpathSync(this.files.stdin) ? pid : undefined;
    } catch {
      return undefined;
    }
  }
}
