// Small measuring helpers shared by the benchmarks: percentiles and a process's CPU and memory.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Nearest-rank percentile of unsorted samples.
 *
 * @example
 * percentile([5, 1, 3], 50); // 3
 */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/**
 * utime + stime of a process in ms (0 once it is gone).
 *
 * @example
 * const before = cpuMs(agent.pid!);
 */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/**
 * Resident memory of a process in MiB.
 *
 * @example
 * console.log(`${rssMiB(agent.pid!).toFixed(1)} MiB`);
 */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

/**
 * SIGTERM to a child this bench started, resolved once it exited (at once if it already has).
 *
 * @example
 * await stopChild(agent);
 */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
