import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../../api/types.js';
import { parseQuantity } from '../../api/quantity.js';
import { emptyDirPlugin } from './empty-dir.js';
import type { VolumeSpec } from './volume-types.js';

/** Bytes a directory tree occupies on disk (allocated blocks, as `du` counts), not following symlinks. */
export async function diskUsage(path: string): Promise<number> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return 0;
  let total = st.blocks * 512;
  if (st.isDirectory()) for (const name of await readdir(path).catch(() => [] as string[])) total += await diskUsage(join(path, name));
  return total;
}

/**
 * The kubelet's emptyDir limit check for eviction: the first disk-backed emptyDir of the pod
 * that uses more than its `sizeLimit`, as the eviction message the kubelet writes; undefined
 * when all are within their limits. (Memory-backed ones cannot grow past their tmpfs size.)
 *
 * @example
 * await emptyDirLimitViolation('/var/lib/k8ts/agent/pods', pod);
 * // 'Usage of EmptyDir volume "scratch" exceeds the limit "1Mi". '
 */
export async function emptyDirLimitViolation(podsDir: string, pod: KubeObject): Promise<string | undefined> {
  const volumes = ((pod.spec as { volumes?: VolumeSpec[] } | undefined)?.volumes ?? []) as VolumeSpec[];
  for (const v of volumes) {
    const limit = v.emptyDir?.sizeLimit;
    if (!limit || v.emptyDir?.medium === 'Memory') continue;
    const bytes = parseQuantity(limit).nanos / 1_000_000_000n;
    if (bytes <= 0n) continue;
    const used = await diskUsage(join(podsDir, pod.metadata.uid!, 'volumes', emptyDirPlugin.name, v.name));
    if (BigInt(used) > bytes) return `Usage of EmptyDir volume "${v.name}" exceeds the limit "${limit}". `;
  }
  return undefined;
}
