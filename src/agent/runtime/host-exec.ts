import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandError } from './command.js';

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Runs a host command (argv, program first) and returns its output; rejects with CommandError. */
export type CommandRunner = (argv: readonly string[]) => Promise<{ stdout: string; stderr: string }>;

/** Quotes an argument for sh: `it's` → `'it'\''s'`. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The helper's loop: each input line is `ID<TAB>MODE<TAB>command`; the command runs in a
 * background subshell with its output in `<dir>/ID.out|err` (MODE `o`: stdout kept) and its
 * stdin from `<dir>/ID.in` (MODE `i`), and `ID STATUS` is written back when it ends (the inner
 * subshell keeps an `exit` in the command from skipping the report).
 */
const helperScript = `d="$1"
while IFS= read -r line; do
  id=\${line%%\t*}
  rest=\${line#*\t}
  mode=\${rest%%\t*}
  cmd=\${rest#*\t}
  case "$mode" in *o*) out="$d/$id.out" ;; *) out=/dev/null ;; esac
  case "$mode" in *i*) in="$d/$id.in" ;; *) in=/dev/null ;; esac
  ( ( eval "$cmd" ) >"$out" 2>"$d/$id.err" <"$in"; echo "$id $?" ) &
done`;

/** Something that runs one-line shell commands and reports how they ended (HostExec). */
export interface ShellRunner {
  exec(command: string, opts?: { output?: boolean; input?: string }): Promise<ShellResult>;
}

/** How a command ended: its status and what it printed (stdout only when kept). */
export interface ShellResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface Pending {
  argv: string;
  output: boolean;
  input: boolean;
  resolve(v: ShellResult): void;
  reject(err: Error): void;
}

/**
 * Runs host commands (ip, mount, runc …) through one small long-lived `sh`, so the agent
 * never forks itself. Forking a large Node process blocks its event loop until the child has
 * exec'd, which on a busy node costs tens of milliseconds per command and stalls every pod
 * worker; the shell forks cheaply and reports back asynchronously.
 *
 * @example
 * const host = new HostExec('/var/lib/k8ts/agent/run/exec');
 * await host.run(['ip', 'netns', 'add', 'k8ts-abc']);
 * await host.shell('mount -t overlay overlay -o … /rootfs && mkfifo /out /err');
 */
export class HostExec implements ShellRunner {
  private proc?: ChildProcess;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private buffer = '';

  constructor(private readonly dir: string) {}

  private helper(): ChildProcess {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) return this.proc;
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const proc = spawn('/bin/sh', ['-c', helperScript, 'k8ts-exec', this.dir], { stdio: ['pipe', 'pipe', 'ignore'] });
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => this.onOutput(d));
    proc.stdin!.on('error', () => undefined);
    proc.on('exit', () => {
      // Whatever was in flight is lost with the helper; its callers see an error.
      for (const p of this.pending.values()) p.reject(new CommandError([p.argv], 'helper-exited', 'the command helper exited'));
      this.pending.clear();
      if (this.proc === proc) this.proc = undefined;
    });
    this.proc = proc;
    this.setRef(false);
    return proc;
  }

  /** The helper keeps the process alive only while commands are in flight. */
  private setRef(on: boolean): void {
    const p = this.proc;
    if (!p) return;
    const handles = [p, p.stdout, p.stdin] as unknown as { ref?: () => void; unref?: () => void }[];
    for (const h of handles) (on ? h?.ref : h?.unref)?.call(h);
  }

  private onOutput(data: string): void {
    this.buffer += data;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const [idText, codeText] = line.split(' ');
      const id = Number(idText);
      const p = this.pending.get(id);
      if (!p) continue;
      this.pending.delete(id);
      if (this.pending.size === 0) this.setRef(false);
      void this.finish(id, Number(codeText), p);
    }
  }

  private async finish(id: number, code: number, p: Pending): Promise<void> {
    const out = join(this.dir, `${id}.out`);
    const err = join(this.dir, `${id}.err`);
    // Output is read only when asked for, stderr only when the command failed.
    const stdout = p.output ? readOr(out) : '';
    const stderr = p.output || code !== 0 ? readOr(err) : '';
    if (p.output) rmSync(out, { force: true });
    if (p.input) rmSync(join(this.dir, `${id}.in`), { force: true });
    rmSync(err, { force: true });
    p.resolve({ code, stdout, stderr });
  }

  /**
   * Runs a shell command line (already quoted) and resolves how it ended, whatever its status.
   * `output: false` discards stdout; `input` is what the command reads on stdin.
   */
  exec(command: string, opts: { output?: boolean; input?: string } = {}): Promise<ShellResult> {
    if (command.includes('\n')) return Promise.reject(new Error('commands must be one line'));
    const proc = this.helper();
    const id = ++this.seq;
    const output = opts.output ?? true;
    const input = opts.input !== undefined;
    if (input) writeFileSync(join(this.dir, `${id}.in`), opts.input!, { mode: 0o600 });
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.setRef(true);
      this.pending.set(id, { argv: command, output, input, resolve, reject });
      proc.stdin!.write(`${id}\t${output ? 'o' : 'e'}${input ? 'i' : ''}\t${command}\n`);
    });
  }

  /**
   * Runs a shell command line (already quoted); rejects with CommandError (with stderr) on a
   * non-zero status. `output: false` discards stdout (most host commands print nothing useful).
   */
  async shell(command: string, opts: { output?: boolean } = {}): Promise<{ stdout: string; stderr: string }> {
    const r = await this.exec(command, opts);
    if (r.code !== 0) throw new CommandError([command], r.code, r.stderr || r.stdout);
    return { stdout: r.stdout, stderr: r.stderr };
  }

  /** Runs one program with arguments. */
  run: CommandRunner = (argv) => this.shell(argv.map(shellQuote).join(' '));

  close(): void {
    this.proc?.stdin?.end();
    this.proc = undefined;
  }
}
