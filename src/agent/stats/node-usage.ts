import { readFileSync, statfsSync } from 'node:fs';
import { totalmem, uptime } from 'node:os';
import type { CgroupLayout } from '../runtime/cgroups.js';
import { readCgroupUsage, type CgroupUsage } from './cgroup-usage.js';

/** Whole-node readings the kubelet's summary and eviction signals are made of. */
export interface NodeUsage extends CgroupUsage {
  memoryCapacityBytes: number;
  /** When the CPU counter started (boot). */
  bootedAt: number;
}

export interface FsUsage {
  capacityBytes: number;
  availableBytes: number;
  usedBytes: number;
  inodes: number;
  inodesFree: number;
  inodesUsed: number;
}

export interface ProcessUsage {
  /** The largest number of processes the kernel allows (min of pid_max and threads-max, as the kubelet takes it). */
  maxpid: number;
  curproc: number;
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** `/proc/meminfo` in bytes, by field name. */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([^:]+):\s+(\d+)(?:\s+kB)?$/.exec(line.trim());
    if (m) out.set(m[1]!, Number(m[2]) * (line.includes('kB') ? 1024 : 1));
  }
  return out;
}

/**
 * The node's CPU and memory: the root cgroup on v1 (as cAdvisor reads "/"), and on v2 the
 * root's cpu.stat with memory from /proc/meminfo (the v2 root has no memory.current).
 *
 * @example
 * readNodeUsage(detectCgroupLayout()).workingSetBytes; // 1_234_567_890
 */
export function readNodeUsage(layout: CgroupLayout, now = Date.now()): NodeUsage {
  const root = readCgroupUsage(layout, '/');
  const capacity = totalmem();
  const out: NodeUsage = { ...root, memoryCapacityBytes: capacity, bootedAt: now - uptime() * 1000 };
  if (layout.version === 'v2' || root.memoryUsageBytes === undefined) {
    const mi = parseMeminfo(read('/proc/meminfo'));
    const usage = capacity - (mi.get('MemFree') ?? 0);
    out.memoryUsageBytes = usage;
    out.workingSetBytes = Math.max(0, usage - (mi.get('Inactive(file)') ?? 0));
  }
  return out;
}

/** Space and inodes of the filesystem holding `path` (the kubelet's nodefs / imagefs). */
export function readFsUsage(path: string): FsUsage | undefined {
  try {
    const s = statfsSync(path);
    return {
      capacityBytes: s.blocks * s.bsize,
      availableBytes: s.bavail * s.bsize,
      usedBytes: (s.blocks - s.bfree) * s.bsize,
      inodes: s.files,
      inodesFree: s.ffree,
      inodesUsed: s.files - s.ffree,
    };
  } catch {
    return undefined;
  }
}

/** Process counts for the pid.available signal: the kernel's limit and the tasks now running. */
export function readProcessUsage(): ProcessUsage {
  const pidMax = Number(read('/proc/sys/kernel/pid_max').trim()) || 32768;
  const threadsMax = Number(read('/proc/sys/kernel/threads-max').trim()) || pidMax;
  const m = /\s\d+\/(\d+)\s/.exec(read('/proc/loadavg'));
  return { maxpid: Math.min(pidMax, threadsMax), curproc: m ? Number(m[1]) : 0 };
}
