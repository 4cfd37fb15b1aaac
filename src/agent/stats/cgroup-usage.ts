import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CgroupLayout } from '../runtime/cgroups.js';

/** One reading of a cgroup's cumulative CPU time and current memory, as cAdvisor takes it. */
export interface CgroupUsage {
  /** Cumulative CPU time of the cgroup, in nanoseconds (v1 cpuacct.usage, v2 cpu.stat usage_usec). */
  cpuUsageNanos?: number;
  /** Memory charged to the cgroup (v1 memory.usage_in_bytes, v2 memory.current). */
  memoryUsageBytes?: number;
  /** Usage minus inactive file pages: what the kubelet's eviction and `kubectl top` count. */
  workingSetBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
  /** Tasks in the cgroup (pids.current). */
  processes?: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function num(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** `key value` lines (memory.stat, cpu.stat) as a map. */
export function parseFlatKeyed(text: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out.set(k, Number(v));
  }
  return out;
}

/** The v1 hierarchy mounted for a controller (`/sys/fs/cgroup/memory`, `/sys/fs/cgroup/cpu,cpuacct` …). */
export function v1Hierarchy(layout: CgroupLayout, controller: string): string | undefined {
  return layout.hierarchies.find((h) => basename(h).split(',').includes(controller));
}

function workingSet(usage: number | undefined, inactiveFile: number | undefined): number | undefined {
  if (usage === undefined) return undefined;
  return Math.max(0, usage - (inactiveFile ?? 0));
}

/**
 * Reads a cgroup's CPU and memory usage on cgroup v1 (cpuacct, memory, pids hierarchies) or
 * v2 (one directory). Missing files (a cgroup that is gone, a controller not mounted) leave
 * their fields undefined rather than failing.
 *
 * @example
 * readCgroupUsage(detectCgroupLayout(), '/kubepods/besteffort/pod123');
 * // { cpuUsageNanos: 1520334000, memoryUsageBytes: 5275648, workingSetBytes: 5005312, … }
 */
export function readCgroupUsage(layout: CgroupLayout, path: string): CgroupUsage {
  if (layout.version === 'v2') {
    const dir = join(layout.hierarchies[0]!, path);
    const cpu = parseFlatKeyed(read(join(dir, 'cpu.stat')));
    const mem = parseFlatKeyed(read(join(dir, 'memory.stat')));
    const usage = num(read(join(dir, 'memory.current')));
    const usec = cpu.get('usage_usec');
    return {
      cpuUsageNanos: usec === undefined ? undefined : usec * 1000,
      memoryUsageBytes: usage,
      workingSetBytes: workingSet(usage, mem.get('inactive_file')),
      rssBytes: mem.get('anon'),
      pageFaults: mem.get('pgfault'),
      majorPageFaults: mem.get('pgmajfault'),
      processes: num(read(join(dir, 'pids.current'))),
    };
  }
  const cpuacct = v1Hierarchy(layout, 'cpuacct');
  const memory = v1Hierarchy(layout, 'memory');
  const pids = v1Hierarchy(layout, 'pids');
  const mem = memory ? parseFlatKeyed(read(join(memory, path, 'memory.stat'))) : new Map<string, number>();
  const usage = memory ? num(read(join(memory, path, 'memory.usage_in_bytes'))) : undefined;
  return {
    cpuUsageNanos: cpuacct ? num(read(join(cpuacct, path, 'cpuacct.usage'))) : undefined,
    memoryUsageBytes: usage,
    workingSetBytes: workingSet(usage, mem.get('total_inactive_file')),
    rssBytes: mem.get('total_rss'),
    pageFaults: mem.get('total_pgfault'),
    majorPageFaults: mem.get('total_pgmajfault'),
    processes: pids ? num(read(join(pids, path, 'pids.current'))) : undefined,
  };
}
