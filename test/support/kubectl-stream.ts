// A long-running kubectl (`get -w`, `logs -f`) in the background whose stdout is collected
// line by line, for tests that watch what a user would see scroll by.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Kubectl } from './kubectl.js';

export interface KubectlStream {
  /** Complete lines printed so far (grows while it runs). */
  lines: string[];
  /** Everything printed so far, a partial last line included. */
  text(): string;
  child: ChildProcess;
  /** SIGTERM, if still running. */
  stop(): void;
}

const running = new Set<ChildProcess>();

/**
 * Starts `k`'s kubectl (its version, kubeconfig and cache dir) with `args`.
 *
 * @example
 * const watch = streamKubectl(k, ['get', 'pods', '-w']);
 * await waitFor('Running', async () => watch.lines.some((l) => /\sRunning\s/.test(l)));
 * watch.stop();
 */
export function streamKubectl(k: Kubectl, args: string[]): KubectlStream {
  const child = spawn(k.binary, ['--kubeconfig', k.kubeconfig, '--cache-dir', k.cacheDir, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines: string[] = [];
  let partial = '';
  let all = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    all += d;
    const parts = (partial + d).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  return {
    lines,
    text: () => all,
    child,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

/** SIGKILL to every stream still running (a test's cleanup, also after a failure). */
export function killKubectlStreams(): void {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
