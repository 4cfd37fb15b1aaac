import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { isMounted } from '../runtime/overlay.js';
import { parseQuantity } from '../../api/quantity.js';
import { ensureTmpfs, removeTmpfs } from './tmpfs.js';
import type { MountedVolume, VolumeContext, VolumePlugin, VolumeSpec } from './volume-types.js';

/** Bytes of a quantity (`64Mi` → 67108864), rounded up; undefined for none or zero. */
function bytesOf(q: string | undefined): number | undefined {
  if (!q) return undefined;
  const nanos = parseQuantity(q).nanos;
  const bytes = Number((nanos + 999_999_999n) / 1_000_000_000n);
  return bytes > 0 ? bytes : undefined;
}

/**
 * How big a memory-backed emptyDir may grow: its sizeLimit, else the node's allocatable
 * memory (the kubelet's rule when the pod sets no smaller bound).
 */
export function memoryVolumeSize(volume: VolumeSpec, allocatable: Record<string, string>): number | undefined {
  return bytesOf(volume.emptyDir?.sizeLimit) ?? bytesOf(allocatable.memory);
}

/**
 * emptyDir volumes: a 0777 directory under the pod dir that lives as long as the pod, or
 * with `medium: Memory` a k8ts-named tmpfs sized by `sizeLimit`. A disk-backed sizeLimit is
 * not enforced (the kubelet does that by eviction).
 *
 * @example
 * await emptyDirPlugin.setUp(ctx); // ctx.volume = { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }
 */
export const emptyDirPlugin: VolumePlugin = {
  name: 'kubernetes.io~empty-dir',
  supports: (v) => v.emptyDir !== undefined,
  async setUp(ctx: VolumeContext): Promise<MountedVolume> {
    // Ownership is applied once, when the volume is made; later syncs keep what the pod wrote.
    let made: boolean;
    if (ctx.volume.emptyDir!.medium === 'Memory') {
      made = !(await isMounted(ctx.dir));
      await ensureTmpfs(ctx.dir, memoryVolumeSize(ctx.volume, ctx.allocatable), ctx.host);
    } else {
      made = !existsSync(ctx.dir);
      await mkdir(ctx.dir, { recursive: true });
      if (made) await chmod(ctx.dir, 0o777);
    }
    if (made) await ctx.ownership(ctx.pod, ctx.dir, false);
    return { name: ctx.volume.name, plugin: this.name, hostPath: ctx.dir, readOnly: false };
  },
  tearDown: (dir, host) => removeTmpfs(dir, host),
};
