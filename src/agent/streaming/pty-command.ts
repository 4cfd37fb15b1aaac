import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import type { TerminalSize } from '../../streaming/terminal-size.js';

/** Quotes one word for `sh -c`. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line that runs `argv` on a fresh pseudo-terminal of the given size: util-linux
 * `script` owns the terminal (Debian installs it everywhere, in bsdutils), and the shell it
 * starts puts the terminal in raw mode at the client's size before exec'ing `argv`, so the
 * first thing the program sees is the right size. `-e` returns the program's exit code.
 *
 * @example
 * ptyCommand(['runc', 'exec', '-t', 'id', 'sh'], { width: 120, height: 40 });
 * // ['script', ['-q', '-e', '-c', 'stty raw -echo cols 120 rows 40 …; exec runc exec -t id sh', '/dev/null']]
 */
export function ptyCommand(argv: readonly string[], size: TerminalSize): [string, string[]] {
  const setup = `stty raw -echo cols ${size.width} rows ${size.height} 2>/dev/null`;
  return ['script', ['-q', '-e', '-c', `${setup}; exec ${argv.map(shellQuote).join(' ')}`, '/dev/null']];
}

/**
 * Applies window-size changes to the terminal `script` made: the kernel then signals the
 * program on it (SIGWINCH), and `runc exec -t` copies the size into the container's terminal.
 */
export class PtyResizer {
  private device?: string;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly script: ChildProcess) {}

  /** The terminal device of script's child (its stdin), found through /proc. */
  private findDevice(): string | undefined {
    if (this.device) return this.device;
    const pid = this.script.pid;
    if (!pid) return undefined;
    try {
      const child = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
      if (!child) return undefined;
      const dev = readlinkSync(`/proc/${child}/fd/0`);
      if (dev.startsWith('/dev/pts/')) this.device = dev;
    } catch {
      // not started yet, or already gone
    }
    return this.device;
  }

  resize(size: TerminalSize): void {
    this.queue = this.queue.then(
      () =>
        new Promise<void>((resolve) => {
          const dev = this.findDevice();
          if (!dev || this.script.exitCode !== null) return resolve();
          const p = spawn('stty', ['-F', dev, 'cols', String(size.width), 'rows', String(size.height)], { stdio: 'ignore' });
          p.once('exit', () => resolve());
          p.once('error', () => resolve());
        }),
    );
  }

  close(): void {
    this.device = undefined;
  }
}
