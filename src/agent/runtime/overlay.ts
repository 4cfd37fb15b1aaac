import { mkdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CommandError, directHost, type Host } from './command.js';
import { shellQuote } from './host-exec.js';

/** The directories of one container's root filesystem: read-only image layers plus its own writable layer. */
export interface OverlayDirs {
  /** Image layers, lowest first (as ImageInfo.layers lists them). */
  layers: readonly string[];
  upper: string;
  work: string;
  merged: string;
}

/** The directories for a container's overlay under its bundle dir. */
export function overlayDirsIn(bundle: string, layers: readonly string[]): OverlayDirs {
  return { layers, upper: join(bundle, 'upper'), work: join(bundle, 'work'), merged: join(bundle, 'rootfs') };
}

/** Mount points from /proc/self/mountinfo (octal escapes decoded). */
export async function mountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

/**
 * Whether a filesystem is mounted at `path`. k8ts mounts only whole filesystems on the host
 * (overlay, tmpfs, nsfs binds), each with a device of its own, so comparing the device of the
 * path with its parent's answers without reading mountinfo, whose cost grows with every pod's
 * mounts (milliseconds per read on a full node).
 */
export async function isMounted(path: string): Promise<boolean> {
  try {
    const [self, parent] = await Promise.all([stat(path), stat(dirname(path))]);
    return self.dev !== parent.dev;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    return (await mountPoints()).includes(path);
  }
}

/**
 * Mounts the container rootfs: `lowerdir` lists the top layer first, so the image's layer
 * order is reversed. A single-layer image still gets an overlay, so writes never reach the
 * shared layer. Idempotent.
 *
 * @example
 * await mountOverlay(overlayDirsIn('/var/lib/k8ts/agent/pods/UID/containers/ID', image.layers));
 */
export async function mountOverlay(dirs: OverlayDirs, host: Host = directHost, then?: string, opts: { fresh?: boolean } = {}): Promise<void> {
  if (dirs.layers.length === 0) throw new Error('an image needs at least one layer');
  for (const d of [dirs.upper, dirs.work, dirs.merged]) mkdirSync(d, { recursive: true });
  // A directory made just now cannot be mounted on yet; others are checked (idempotence).
  if (!opts.fresh && (await isMounted(dirs.merged))) {
    if (then) await host.shell(then, { output: false });
    return;
  }
  const lower = [...dirs.layers].reverse().join(':');
  const mount = ['mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${dirs.upper},workdir=${dirs.work}`, dirs.merged].map(shellQuote).join(' ');
  // `then` rides along in the same command (one fork for the whole step).
  await host.shell(then ? `${mount} && ${then}` : mount, { output: false });
}

/** Unmounts a path if mounted; a busy mount is detached lazily so cleanup always progresses. */
export async function unmount(path: string, host: Host = directHost): Promise<void> {
  if (!(await isMounted(path))) return;
  try {
    await host.run(['umount', path]);
  } catch (err) {
    if (!(err instanceof CommandError)) throw err;
    await host.run(['umount', '-l', path]);
  }
}

/** Unmounts every mount at or below `dir`, deepest first (k8ts reset, pod cleanup). */
export async function unmountAllUnder(dir: string, host: Host = directHost): Promise<string[]> {
  const prefix = dir.replace(/\/+$/, '');
  const points = (await mountPoints()).filter((p) => p === prefix || p.startsWith(`${prefix}/`));
  points.sort((a, b) => b.length - a.length);
  // One umount per point, a busy one detached lazily (mountinfo was read once, above).
  for (const p of points) await host.shell(`umount ${shellQuote(p)} 2>/dev/null || umount -l ${shellQuote(p)}`, { output: false });
  return points;
}
