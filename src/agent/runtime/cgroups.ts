import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The cgroup layouts the cgroupfs driver handles: `v1` (one hierarchy per controller,
 * possibly with a cgroup2 mount beside them — the "hybrid" layout) and `v2` (unified only).
 */
export type CgroupVersion = 'v1' | 'v2';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** What the node's cgroup filesystem looks like, read once at agent start. */
export interface CgroupLayout {
  version: CgroupVersion;
  /** v1 with a cgroup2 mount at `<mount>/unified` (runc is fine with it; crun is not). */
  hybrid: boolean;
  /** Every hierarchy directory a cgroup path exists in (`/sys/fs/cgroup/memory`, … or `/sys/fs/cgroup`). */
  hierarchies: string[];
}

const defaultMount = '/sys/fs/cgroup';

/** Mount points under the cgroup mount, from /proc/self/mountinfo (field 5 is the mount point). */
function cgroupMounts(mount: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const fields = line.split(' ');
    const point = fields[4];
    const sep = fields.indexOf('-');
    const fstype = sep > 0 ? fields[sep + 1] : undefined;
    if (point && point.startsWith(`${mount}/`) && (fstype === 'cgroup' || fstype === 'cgroup2')) out.push(point);
  }
  return out.sort();
}

/**
 * Detects the cgroup layout: a `cgroup.controllers` file at the mount's top means pure v2.
 *
 * @example
 * const layout = detectCgroupLayout(); // { version: 'v1', hybrid: true, hierarchies: ['/sys/fs/cgroup/blkio', …] }
 */
export function detectCgroupLayout(mount = defaultMount): CgroupLayout {
  if (existsSync(join(mount, 'cgroup.controllers'))) return { version: 'v2', hybrid: false, hierarchies: [mount] };
  let hierarchies = cgroupMounts(mount);
  // Without mountinfo entries (unusual containers), fall back to the directories present.
  if (hierarchies.length === 0 && existsSync(mount)) hierarchies = readdirSync(mount).map((d) => join(mount, d));
  return { version: 'v1', hybrid: hierarchies.includes(join(mount, 'unified')), hierarchies };
}

/**
 * The cgroup parent of a pod, as the kubelet's cgroupfs driver names it: Guaranteed pods sit
 * directly under `kubepods`, the others under their QoS class.
 *
 * @example
 * podCgroupPath('/', 'BestEffort', 'a1b2…'); // '/kubepods/besteffort/poda1b2…'
 */
export function podCgroupPath(cgroupRoot: string, qos: QosClass, podUid: string): string {
  const tier = qos === 'Guaranteed' ? '' : `/${qos.toLowerCase()}`;
  return `${cgroupRoot.replace(/\/+$/, '')}/kubepods${tier}/pod${podUid}`;
}

/** Every directory below (and including) `dir`, deepest first, so rmdir can work upwards. */
function subtree(dir: string): string[] {
  const out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) if (e.isDirectory()) out.push(...subtree(join(dir, e.name)));
  out.push(dir);
  return out;
}

/**
 * Removes a cgroup (and any children) from every hierarchy. Cgroups still holding processes
 * refuse (EBUSY); those are reported, not thrown, so a cleanup pass can continue and retry.
 *
 * @returns the directories that could not be removed
 */
export function removeCgroup(layout: CgroupLayout, path: string): string[] {
  const left: string[] = [];
  for (const h of layout.hierarchies) {
    for (const dir of subtree(join(h, path))) {
      try {
        rmdirSync(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') left.push(dir);
      }
    }
  }
  return left;
}

/** Removes `path` only where it has no children left (the shared `kubepods/<qos>` parents). */
export function removeCgroupIfEmpty(layout: CgroupLayout, path: string): void {
  for (const h of layout.hierarchies) {
    try {
      rmdirSync(join(h, path));
    } catch {
      // In use or already gone.
    }
  }
}

/** Whether any process is still in the cgroup (any hierarchy). */
export function cgroupHasProcesses(layout: CgroupLayout, path: string): boolean {
  for (const h of layout.hierarchies) {
    for (const dir of subtree(join(h, path))) {
      try {
        if (readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim()) return true;
      } catch {
        // gone meanwhile
      }
    }
  }
  return false;
}
