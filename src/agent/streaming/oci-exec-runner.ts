import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runtimeLogError } from '../runtime/container-process.js';
import type { OciCli } from '../runtime/oci-cli.js';
import { ExecStartError, type ContainerTarget, type ExecRunner, type StdioStreams } from './contracts.js';
import { exitCode, feedStdin, forwardOutput, HeldWriter, readPid, watchPidFile } from './exec-process.js';
import { PtyResizer, ptyCommand } from './pty-command.js';

/** How long output may keep flowing after the process exited (a background child can hold the pipe). */
const DRAIN_MS = 2000;

/**
 * `kubectl exec` for the runc (or crun) runtime: `runc exec` joins the container's
 * namespaces and cgroup and runs the command with the container's environment, user and
 * working directory. Without a TTY the process gets our pipes; with one, `runc exec -t`
 * runs under `script` (util-linux), whose pseudo-terminal runc mirrors into a terminal
 * inside the container, so the shell there has a real controlling TTY and window-size
 * changes reach it as SIGWINCH. A command that cannot start (not found …) is an
 * ExecStartError carrying the runtime's message; a client that disconnects kills the process,
 * as containerd does.
 *
 * @example
 * const runner = new OciExecRunner(new OciCli('runc', '/run/k8ts/runc', false));
 * const code = await runner.exec(target, ['sh', '-c', 'exit 3'], stdio); // 3
 */
export class OciExecRunner implements ExecRunner {
  constructor(private readonly cli: OciCli) {}

  async exec(target: ContainerTarget, command: readonly string[], stdio: StdioStreams): Promise<number> {
    const dir = await mkdtemp(join(tmpdir(), 'k8ts-exec-'));
    const pidFile = join(dir, 'pid');
    const logFile = join(dir, 'runtime.json');
    try {
      const ociArgs = ['--log', logFile, '--log-format', 'json', 'exec', '--pid-file', pidFile];
      let child: ChildProcess;
      let resizer: PtyResizer | undefined;
      if (stdio.tty) {
        const size = (await stdio.resizes.first(1000)) ?? { width: 80, height: 24 };
        const argv = this.cli.argv([...ociArgs, '--tty', '--env', 'TERM=xterm', target.containerId, ...command]);
        const [file, args] = ptyCommand(argv, size);
        child = spawn(file, args, { stdio: ['pipe', 'pipe', 'ignore'] });
        resizer = new PtyResizer(child);
        stdio.resizes.on('resize', (s) => resizer?.resize(s));
      } else {
        const argv = this.cli.argv([...ociArgs, target.containerId, ...command]);
        child = spawn(argv[0]!, argv.slice(1), { stdio: [stdio.stdin ? 'pipe' : 'ignore', stdio.stdout ? 'pipe' : 'ignore', stdio.stderr ? 'pipe' : 'ignore'] });
      }
      const exited = exitCode(child);
      const spawnError = new Promise<never>((_, reject) => child.once('error', (err) => reject(new ExecStartError(`failed to run ${this.cli.name}: ${err.message}`))));
      feedStdin(stdio.stdin, child.stdin);

      // stderr is held back until the process runs: before that it can only be the runtime's error.
      const gate = new HeldWriter(stdio.stderr);
      let started = false;
      const stopWatching = watchPidFile(dir, pidFile, () => {
        started = true;
        gate.open();
      });
      const stdout = forwardOutput(child.stdout, stdio.stdout);
      const stderr = forwardOutput(child.stderr, gate);
      const onAbort = (): void => {
        const pid = readPid(pidFile);
        if (pid) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        child.kill('SIGKILL');
      };
      stdio.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const code = await Promise.race([exited, spawnError]);
        stopWatching();
        if (!started) {
          const message = (await runtimeLogError(logFile)) ?? `${this.cli.name} exec exited with ${code}`;
          throw new ExecStartError(message);
        }
        await drain([stdout, stderr], child);
        return code;
      } finally {
        stdio.signal.removeEventListener('abort', onAbort);
        resizer?.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** Waits for the output pipes to end, at most DRAIN_MS after exit. */
async function drain(outputs: Promise<void>[], child: ChildProcess): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(outputs), new Promise<void>((r) => (timer = setTimeout(r, DRAIN_MS)))]);
  clearTimeout(timer);
  child.stdout?.destroy();
  child.stderr?.destroy();
}
