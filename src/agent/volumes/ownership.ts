import { chmod, lchown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../../api/types.js';
import type { OwnershipHook } from './volume-types.js';

/** The pod's fsGroup, if it sets one. */
export function podFsGroup(pod: KubeObject): number | undefined {
  return (pod.spec as { securityContext?: { fsGroup?: number } } | undefined)?.securityContext?.fsGroup;
}

async function walk(path: string, visit: (p: string, isDir: boolean, mode: number, isLink: boolean) => Promise<void>): Promise<void> {
  const st = await lstat(path);
  await visit(path, st.isDirectory(), st.mode, st.isSymbolicLink());
  if (st.isDirectory()) for (const name of await readdir(path)) await walk(join(path, name), visit);
}

/**
 * Gives a volume to the pod's fsGroup the kubelet's way (SetVolumeOwnership): every file and
 * dir gets the group; files gain group read (and write unless the volume is read-only),
 * dirs also search and setgid, so new files inherit the group. Symlinks keep their mode.
 * `fsGroupChangePolicy: OnRootMismatch` skips the walk when the volume's root is already
 * right. The security context decides what fsGroup is; this is the hook volumes call.
 *
 * @example
 * await fsGroupOwnership(pod, '/var/lib/k8ts/agent/pods/UID/volumes/kubernetes.io~empty-dir/data', false);
 */
export const fsGroupOwnership: OwnershipHook = async (pod, path, readOnly) => {
  const gid = podFsGroup(pod);
  if (gid === undefined) return;
  const mask = readOnly ? 0o440 : 0o660;
  const policy = (pod.spec as { securityContext?: { fsGroupChangePolicy?: string } } | undefined)?.securityContext?.fsGroupChangePolicy;
  if (policy === 'OnRootMismatch') {
    // The root already right means the rest is too (the kubelet's shortcut for big volumes).
    const root = await lstat(path);
    if (root.gid === gid && (root.mode & mask) === mask && (!root.isDirectory() || (root.mode & 0o2000) !== 0)) return;
  }
  await walk(path, async (p, isDir, mode, isLink) => {
    await lchown(p, -1, gid);
    if (isLink) return;
    await chmod(p, (mode & 0o7777) | mask | (isDir ? 0o2110 : 0));
  });
};
