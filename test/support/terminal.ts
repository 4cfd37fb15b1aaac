// Runs a command on a terminal of its own, as a person's shell would (kubectl -t needs one):
// util-linux `script` owns the pseudo-terminal and copies it to our pipes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface TerminalSession {
  child: ChildProcessWithoutNullStreams;
  /** Everything the terminal showed so far. */
  output(): string;
  /** Waits for `re` in the output after offset `from`; resolves with the offset just past the match. */
  waitFor(re: RegExp, from?: number, ms?: number): Promise<number>;
  /** Types on the terminal (use `\r` for Enter). */
  type(text: string): void;
  /** Resolves with the command's exit code. */
  exited(): Promise<number | null>;
  /** Kills the command if it still runs. */
  kill(): void;
}

/**
 * Starts `argv` on a `cols`×`rows` terminal.
 *
 * @example
 * const t = onTerminal(['kubectl', 'exec', '-it', 'db', '--', 'sh']);
 * await t.waitFor(/# /);
 * t.type('exit 7\r');
 * assert.equal(await t.exited(), 7);
 */
export function onTerminal(argv: readonly string[], size = { cols: 100, rows: 30 }): TerminalSession {
  const cmd = argv.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-q', '-e', '-c', `stty cols ${size.cols} rows ${size.rows}; ${cmd}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    async waitFor(re, from = 0, ms = 15_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = re.exec(out.slice(from));
        if (m) return from + m.index + m[0].length;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`timed out waiting for ${re} in ${JSON.stringify(out.slice(from))}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    type: (text) => void child.stdin.write(text),
    exited: () => exit,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
