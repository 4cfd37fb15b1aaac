/**
 * The index of image names: one small JSON file per reference under `refs/`, naming the
 * digests it resolved to. One file per name means two processes (the agent and
 * `k8ts image`) never rewrite each other's entries.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from './atomic-file.js';
import { sha256Digest } from './digest.js';
import { removeStale } from './temp-names.js';

export interface ImageRecord {
  /** Normalised reference (`docker.io/library/busybox:latest`). */
  ref: string;
  /** Repository name (`docker.io/library/busybox`). */
  name: string;
  tag?: string;
  /** What the reference resolved to at the registry: an index or a manifest digest. */
  digest: string;
  /** The platform manifest actually used. */
  manifestDigest: string;
  configDigest: string;
  createdAt: string;
  source: 'pull' | 'import';
}

export class RefStore {
  readonly dir: string;

  constructor(root: string) {
    this.dir = join(root, 'refs');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await removeStale(this.dir, '.');
  }

  async get(ref: string): Promise<ImageRecord | undefined> {
    return readJson<ImageRecord>(this.file(ref));
  }

  /**
   * Atomic (temp file + rename) but not fsynced: on ext4 an fsync here would flush every
   * layer written by the pull first (a second or more on a busy disk), and the unpacked
   * layers are not synced either — containerd does not sync them by default. A kill -9
   * leaves the old record or the new one; a power cut may need a re-pull.
   */
  async put(record: ImageRecord): Promise<void> {
    await writeJsonAtomic(this.file(record.ref), record, { durable: false });
  }

  async delete(ref: string): Promise<boolean> {
    const existed = (await this.get(ref)) !== undefined;
    await rm(this.file(ref), { force: true });
    return existed;
  }

  async list(): Promise<ImageRecord[]> {
    const out: ImageRecord[] = [];
    for (const name of await readdir(this.dir)) {
      if (name.startsWith('.') || !name.endsWith('.json')) continue;
      const rec = await readJson<ImageRecord>(join(this.dir, name));
      if (rec) out.push(rec);
    }
    return out.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  }

  /** Readable names where they fit a file name; a hash of the reference where they do not. */
  private file(ref: string): string {
    const encoded = encodeURIComponent(ref);
    return join(this.dir, encoded.length <= 200 ? `${encoded}.json` : `h-${sha256Digest(ref).slice(7)}.json`);
  }
}
