import { mkdir } from 'node:fs/promises';
import { directHost, type Host } from '../runtime/command.js';
import { isMounted, unmount } from '../runtime/overlay.js';

/** The source name of every tmpfs k8ts mounts, so `findmnt`/`mount` show whose it is. */
export const tmpfsSource = 'k8ts-volume';

/**
 * Mounts a k8ts-named tmpfs at `dir` unless one is there already (an agent restart keeps
 * what it finds); `sizeBytes` becomes the tmpfs size.
 *
 * @example
 * await ensureTmpfs('/var/lib/k8ts/agent/pods/UID/volumes/kubernetes.io~secret/creds');
 */
export async function ensureTmpfs(dir: string, sizeBytes?: number, host: Host = directHost): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (await isMounted(dir)) return;
  // No mode option: a fresh tmpfs is 1777, as memory-backed volumes look on Kubernetes.
  const opts = sizeBytes !== undefined ? ['-o', `size=${sizeBytes}`] : [];
  await host.run(['mount', '-t', 'tmpfs', ...opts, tmpfsSource, dir]);
}

/** Unmounts the tmpfs at `dir` if there is one. */
export async function removeTmpfs(dir: string, host: Host = directHost): Promise<void> {
  await unmount(dir, host);
}
