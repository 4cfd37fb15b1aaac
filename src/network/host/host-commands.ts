import { spawn } from 'node:child_process';
import { shellQuote, type ShellRunner } from '../../agent/runtime/host-exec.js';

/** What a finished command left behind. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the command's stdin. */
  input?: string;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  /** A non-zero exit resolves instead of throwing. */
  allowFailure?: boolean;
}

/** A host command exited non-zero. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly command: string,
    readonly result: CommandResult,
  ) {
    super(`${command} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
}

/**
 * Runs the node's networking tools (`ip`, `nft`, `conntrack`, CNI plugins). A node's "host"
 * is normally the machine itself; when `netns` names a network namespace, every command runs
 * inside it (`ip netns exec`), which lets several simulated nodes share one machine.
 *
 * @example
 * const host = new HostCommands();                 // the real host
 * const node2 = new HostCommands('k8ts-node2');    // a node whose host is a netns
 * await node2.run('ip', ['route', 'show']);
 */
export class HostCommands {
  /**
   * @param netns run every command inside this network namespace
   * @param shell run commands through a long-lived shell (the agent's HostExec) instead of
   *   forking this process for each: a fork of a large Node process stalls its event loop.
   */
  constructor(
    readonly netns?: string,
    private readonly shell?: ShellRunner,
  ) {}

  /** Runs one command to completion; throws CommandError on a non-zero exit unless allowed. */
  run(cmd: string, args: string[], opts: RunOptions = {}): Promise<CommandResult> {
    const [file, argv] = this.netns ? ['ip', ['netns', 'exec', this.netns, cmd, ...args]] : [cmd, args];
    if (this.shell) return this.runInShell(cmd, args, [file, ...argv], opts);
    return new Promise((resolve, reject) => {
      const child = spawn(file, argv, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', reject);
      // A command that exits before reading all of stdin must not crash us with EPIPE.
      child.stdin.on('error', () => undefined);
      child.on('close', (code) => {
        const result = { code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
        if (result.code !== 0 && !opts.allowFailure) reject(new CommandError(`${cmd} ${args.slice(0, 3).join(' ')}`, result));
        else resolve(result);
      });
      child.stdin.end(opts.input ?? '');
    });
  }

  private async runInShell(cmd: string, args: string[], argv: string[], opts: RunOptions): Promise<CommandResult> {
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const line = [...env, ...argv.map(shellQuote)].join(' ');
    const result = await this.shell!.exec(line, { output: true, ...(opts.input !== undefined ? { input: opts.input } : {}) });
    if (result.code !== 0 && !opts.allowFailure) throw new CommandError(`${cmd} ${args.slice(0, 3).join(' ')}`, result);
    return result;
  }

  /** Sets a sysctl (`net.ipv4.ip_forward` …) in this host's network namespace. */
  async sysctl(name: string, value: string): Promise<void> {
    await this.run('sysctl', ['-q', '-w', `${name}=${value}`]);
  }
}
