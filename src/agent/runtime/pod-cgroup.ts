import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupLayout } from './cgroups.js';
import { v1Hierarchy } from '../stats/cgroup-usage.js';

/** Limits of a pod's cgroup (`kubepods/<qos>/pod<uid>`), in the kernel's units. */
export interface PodCgroupResources {
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  memoryLimitBytes?: number;
  pidsLimit?: number;
}

/**
 * cpu.shares (v1) to cpu.weight (v2), the conversion runc and the kubelet use:
 * [2, 262144] maps onto [1, 10000].
 *
 * @example
 * sharesToWeight(1024); // 39
 */
export function sharesToWeight(shares: number): number {
  if (shares <= 0) return 0;
  return 1 + Math.floor(((shares - 2) * 9999) / 262142);
}

/** The files to write, per controller, for a pod's limits on cgroup v1 or v2 (in write order). */
export function podCgroupFiles(version: 'v1' | 'v2', r: PodCgroupResources): { controller: string; file: string; value: string }[] {
  const out: { controller: string; file: string; value: string }[] = [];
  const period = r.cpuPeriod ?? 100_000;
  if (version === 'v1') {
    if (r.cpuShares !== undefined) out.push({ controller: 'cpu', file: 'cpu.shares', value: String(r.cpuShares) });
    out.push({ controller: 'cpu', file: 'cpu.cfs_period_us', value: String(period) });
    out.push({ controller: 'cpu', file: 'cpu.cfs_quota_us', value: r.cpuQuota ? String(r.cpuQuota) : '-1' });
    out.push({ controller: 'memory', file: 'memory.limit_in_bytes', value: r.memoryLimitBytes ? String(r.memoryLimitBytes) : '-1' });
    out.push({ controller: 'pids', file: 'pids.max', value: r.pidsLimit ? String(r.pidsLimit) : 'max' });
  } else {
    if (r.cpuShares !== undefined) out.push({ controller: 'cpu', file: 'cpu.weight', value: String(sharesToWeight(r.cpuShares)) });
    out.push({ controller: 'cpu', file: 'cpu.max', value: `${r.cpuQuota ? r.cpuQuota : 'max'} ${period}` });
    out.push({ controller: 'memory', file: 'memory.max', value: r.memoryLimitBytes ? String(r.memoryLimitBytes) : 'max' });
    out.push({ controller: 'pids', file: 'pids.max', value: r.pidsLimit ? String(r.pidsLimit) : 'max' });
  }
  return out;
}

/** On v2, controllers must be enabled in every ancestor's cgroup.subtree_control. */
function enableV2Controllers(mount: string, path: string): void {
  const parts = path.split('/').filter(Boolean);
  let dir = mount;
  for (let i = 0; i < parts.length; i++) {
    for (const c of ['cpu', 'memory', 'pids']) {
      try {
        writeFileSync(join(dir, 'cgroup.subtree_control'), `+${c}`);
      } catch {
        // Not available on this host: its limit is simply not enforced.
      }
    }
    dir = join(dir, parts[i]!);
    mkdirSync(dir, { recursive: true });
  }
}

/**
 * Creates the pod's cgroup and writes its limits before its containers start (the kubelet's
 * pod container manager), on cgroup v1 (one directory per controller hierarchy) or v2.
 * Controllers a host lacks are skipped; other write errors are thrown.
 *
 * @example
 * ensurePodCgroup(detectCgroupLayout(), '/kubepods/burstable/pod123', { cpuShares: 102, pidsLimit: 1024 });
 */
export function ensurePodCgroup(layout: CgroupLayout, path: string, r: PodCgroupResources): void {
  if (layout.version === 'v2') enableV2Controllers(layout.hierarchies[0]!, path);
  for (const f of podCgroupFiles(layout.version, r)) {
    const base = layout.version === 'v2' ? layout.hierarchies[0] : v1Hierarchy(layout, f.controller);
    if (!base) continue;
    const dir = join(base, path);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, f.file), f.value);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
