import { CommandError, directHost, runCommand, type Host } from './command.js';

export type OciRuntimeName = 'runc' | 'crun';

/** What `runc state` / `runc list` report of one container. */
export interface OciState {
  id: string;
  pid: number;
  status: 'creating' | 'created' | 'running' | 'paused' | 'stopped';
  bundle: string;
}

/**
 * The command line of an OCI runtime (runc, or crun) with a k8ts-owned `--root`, so k8ts only
 * ever sees and touches its own containers. On a hybrid cgroup host crun refuses to run
 * while cgroup2 is mounted beside v1; each crun call then runs in a private mount namespace
 * with `/sys/fs/cgroup/unified` unmounted (the host's mounts are untouched).
 *
 * @example
 * const cli = new OciCli('runc', '/run/k8ts/runc', false);
 * await cli.run(['kill', id, 'SIGTERM']);
 */
export class OciCli {
  constructor(
    readonly name: OciRuntimeName,
    readonly root: string,
    private readonly hybridCgroups: boolean,
    private readonly host: Host = directHost,
  ) {}

  /** The argv (program first) that runs `<runtime> --root R <args…>`. */
  argv(args: readonly string[]): string[] {
    const base = [this.name, '--root', this.root, ...args];
    if (this.name !== 'crun' || !this.hybridCgroups) return base;
    return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'umount -l /sys/fs/cgroup/unified 2>/dev/null; exec "$@"', 'k8ts-crun', ...base];
  }

  /**
   * Arguments of a foreground `run` that writes a pid file. runc keeps the stopped container
   * (`--keep`) so its cgroup can still be read for OOM kills; crun has no such flag and
   * removes it itself.
   */
  runArgs(opts: { log: string; pidFile: string; bundle: string; id: string }): string[] {
    const keep = this.name === 'runc' ? ['--keep'] : [];
    return [`--log=${opts.log}`, '--log-format=json', 'run', ...keep, `--pid-file=${opts.pidFile}`, `--bundle=${opts.bundle}`, opts.id];
  }

  async run(args: readonly string[]): Promise<string> {
    return (await this.host.run(this.argv(args))).stdout;
  }

  async version(): Promise<string> {
    const out = await runCommand(this.name, ['--version']);
    const m = /version\s+(\S+)/.exec(out.stdout);
    // Debian builds add "+ds1" and similar suffixes; keep only the upstream version.
    return (m?.[1] ?? 'unknown').replace(/[+~].*$/, '');
  }

  async state(id: string): Promise<OciState | undefined> {
    try {
      return JSON.parse(await this.run(['state', id])) as OciState;
    } catch (err) {
      if (err instanceof CommandError && /does not exist|not found|No such file/i.test(err.stderr)) return undefined;
      throw err;
    }
  }

  async list(): Promise<OciState[]> {
    try {
      return (JSON.parse((await this.run(['list', '--format', 'json'])) || 'null') as OciState[] | null) ?? [];
    } catch (err) {
      if (err instanceof CommandError && /no such file|does not exist/i.test(err.stderr)) return [];
      throw err;
    }
  }

  /** Signals a container; one that is already gone is not an error. */
  async kill(id: string, signal: string, all = false): Promise<void> {
    try {
      await this.run(['kill', ...(all ? ['--all'] : []), id, signal]);
    } catch (err) {
      if (err instanceof CommandError && /not running|does not exist|process already finished|not found/i.test(err.stderr)) return;
      throw err;
    }
  }

  /** Removes a container's runtime state (and cgroup); `force` kills it first. */
  async delete(id: string, force = false): Promise<void> {
    try {
      await this.run(['delete', ...(force ? ['--force'] : []), id]);
    } catch (err) {
      if (err instanceof CommandError && /does not exist|not found/i.test(err.stderr)) return;
      throw err;
    }
  }
}
