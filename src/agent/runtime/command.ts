import { execFile } from 'node:child_process';

/** A host command failed; `stderr` carries what it said (runc's and ip's messages end up in events). */
export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly code: number | string | null,
    readonly stderr: string,
  ) {
    super(`${argv.join(' ')}: ${stderr.trim() || `exit ${code}`}`);
    this.name = 'CommandError';
  }
}

/**
 * Runs a host binary (runc, ip, mount …) to completion and returns its output. Rejects with
 * CommandError on a non-zero exit. Binaries are looked up on PATH, as Debian installs them.
 *
 * @example
 * const { stdout } = await runCommand('runc', ['--version']);
 */
export function runCommand(file: string, args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code ?? null;
        reject(new CommandError([file, ...args], code, stderr || err.message));
        return;
      }
      resolve({ stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Where host commands run: directly (one fork per command) or through a HostExec helper. */
export interface Host {
  run(argv: readonly string[]): Promise<{ stdout: string; stderr: string }>;
  /** A one-line sh command; `output: false` when its stdout is not needed. */
  shell(command: string, opts?: { output?: boolean }): Promise<{ stdout: string; stderr: string }>;
}

/** Commands forked straight from this process (CLI tools, tests). */
export const directHost: Host = {
  run: (argv) => runCommand(argv[0]!, argv.slice(1)),
  shell: (command) => runCommand('/bin/sh', ['-c', command]),
};
