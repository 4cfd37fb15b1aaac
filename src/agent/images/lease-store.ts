/**
 * Leases keep content from garbage collection (the idea containerd uses): a lease names
 * images (by reference or config digest) and raw digests (blobs, layer diffIDs). The agent
 * holds one lease per container so `k8ts image prune`, run from another process, leaves
 * images in use alone; a pull holds a lease on what it is fetching until its reference is
 * written. Leases of processes that died (`pull-<pid>-…`) are ignored and removed.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from './atomic-file.js';
import { isStale, removeStale } from './temp-names.js';

export interface Lease {
  /** Image references or config digests in use. */
  images?: string[];
  /** Blob digests and layer diffIDs in use. */
  digests?: string[];
}

const PULL_PREFIX = 'pull-';

export class LeaseStore {
  readonly dir: string;

  constructor(root: string) {
    this.dir = join(root, 'leases');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await removeStale(this.dir, '.');
  }

  /** Creates or replaces a lease; `id` is a file name (a container ID, say). */
  async put(id: string, lease: Lease): Promise<void> {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/.test(id)) throw new Error(`invalid lease id ${JSON.stringify(id)}`);
    // Pull leases are rewritten several times per pull and mean nothing after a power cut.
    await writeJsonAtomic(join(this.dir, `${id}.json`), lease, { durable: !id.startsWith(PULL_PREFIX) });
  }

  async delete(id: string): Promise<void> {
    await rm(join(this.dir, `${id}.json`), { force: true });
  }

  /** Every live lease, merged. */
  async all(): Promise<{ images: Set<string>; digests: Set<string> }> {
    const images = new Set<string>();
    const digests = new Set<string>();
    for (const name of await readdir(this.dir)) {
      if (name.startsWith('.') || !name.endsWith('.json')) continue;
      if (name.startsWith(PULL_PREFIX) && isStale(name.slice(PULL_PREFIX.length))) {
        await rm(join(this.dir, name), { force: true });
        continue;
      }
      const lease = await readJson<Lease>(join(this.dir, name));
      for (const i of lease?.images ?? []) images.add(i);
      for (const d of lease?.digests ?? []) digests.add(d);
    }
    return { images, digests };
  }
}

/** The lease id a pull in this process uses (its pid marks it stale once the process is gone). */
export function pullLeaseId(unique: string): string {
  return `${PULL_PREFIX}${process.pid}-${unique}`;
}
