/**
 * Content-addressed blobs (`blobs/<alg>/<hex>`, as in an OCI image layout). Bytes arrive in
 * a temp file under `ingest/` while their digest is computed and only a verified file is
 * renamed into place, so a crash mid-write never leaves a wrong blob under a digest name.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { digestOf, hasherFor, sha256Digest, splitDigest } from './digest.js';
import { removeStale, tempName } from './temp-names.js';

/** A blob's bytes did not hash to the digest they were fetched or imported under. */
export class DigestMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`digest mismatch: expected ${expected}, got ${actual}`);
    this.name = 'DigestMismatchError';
  }
}

/** An open write into the store: feed it chunks, then commit (verify + rename) or abort. */
export interface BlobWriter {
  write(chunk: Buffer): Promise<void>;
  /** Verifies digest and size, then makes the blob visible. Throws DigestMismatchError. */
  commit(): Promise<void>;
  abort(): Promise<void>;
  readonly written: number;
}

const WRITE_BATCH = 1024 * 1024;

export class BlobStore {
  readonly blobsDir: string;
  readonly ingestDir: string;

  constructor(root: string) {
    this.blobsDir = join(root, 'blobs');
    this.ingestDir = join(root, 'ingest');
  }

  /** Creates the folders and removes partial writes left by killed processes. */
  async init(): Promise<void> {
    await mkdir(join(this.blobsDir, 'sha256'), { recursive: true });
    await mkdir(this.ingestDir, { recursive: true });
    await removeStale(this.ingestDir);
  }

  path(digest: string): string {
    const { algorithm, hex } = splitDigest(digest);
    return join(this.blobsDir, algorithm, hex);
  }

  async has(digest: string): Promise<boolean> {
    try {
      await stat(this.path(digest));
      return true;
    } catch {
      return false;
    }
  }

  async size(digest: string): Promise<number | undefined> {
    try {
      return (await stat(this.path(digest))).size;
    } catch {
      return undefined;
    }
  }

  /** Reads a (small) blob and re-checks its digest, so a damaged file is never trusted. */
  async read(digest: string): Promise<Buffer> {
    const data = await readFile(this.path(digest));
    const actual = digestOf(data, digest);
    if (actual !== digest) throw new DigestMismatchError(digest, actual);
    return data;
  }

  /** Stores a buffer under its digest (checked against `expected` when given); returns the digest. */
  async put(data: Buffer, expected?: string): Promise<string> {
    const digest = expected ?? sha256Digest(data);
    const w = await this.writer(digest, data.length);
    try {
      await w.write(data);
      await w.commit();
    } catch (err) {
      await w.abort();
      throw err;
    }
    return digest;
  }

  /**
   * Opens a verified write of the blob `digest` (of `size` bytes when known).
   *
   * @example
   * const w = await store.writer(desc.digest, desc.size);
   * for await (const chunk of body) await w.write(chunk);
   * await w.commit();
   */
  async writer(digest: string, size?: number): Promise<BlobWriter> {
    const hash: Hash = hasherFor(digest);
    const tmp = join(this.ingestDir, tempName());
    const fh: FileHandle = await open(tmp, 'wx', 0o644);
    const final = this.path(digest);
    let written = 0;
    let closed = false;
    // Network chunks are small (16–64 kB); writing them one await at a time made the disk
    // round trips, not the network, the pace of a pull. They are gathered into 1 MB writes.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const batch = pending;
      pending = [];
      pendingBytes = 0;
      await fh.writev(batch);
    };
    const close = async () => {
      if (!closed) {
        closed = true;
        await fh.close();
      }
    };
    return {
      get written() {
        return written;
      },
      write: async (chunk) => {
        hash.update(chunk);
        written += chunk.length;
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= WRITE_BATCH) await flush();
      },
      commit: async () => {
        try {
          await flush();
        } finally {
          await close();
        }
        const { algorithm } = splitDigest(digest);
        const actual = `${algorithm}:${hash.digest('hex')}`;
        if (actual !== digest || (size !== undefined && size >= 0 && written !== size)) {
          await rm(tmp, { force: true });
          if (actual !== digest) throw new DigestMismatchError(digest, actual);
          throw new Error(`size mismatch for ${digest}: expected ${size} bytes, got ${written}`);
        }
        await mkdir(join(this.blobsDir, algorithm), { recursive: true });
        await rename(tmp, final);
      },
      abort: async () => {
        await close();
        await rm(tmp, { force: true });
      },
    };
  }

  /**
   * Moves a file (on the same file system, e.g. under `ingest/`) into the store after
   * hashing it; checks it against `expected` when given. Returns the digest.
   */
  async adopt(file: string, expected?: string): Promise<string> {
    const algorithm = expected ? splitDigest(expected).algorithm : 'sha256';
    const hash = createHash(algorithm);
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    const digest = `${algorithm}:${hash.digest('hex')}`;
    if (expected && digest !== expected) throw new DigestMismatchError(expected, digest);
    await mkdir(join(this.blobsDir, algorithm), { recursive: true });
    await rename(file, this.path(digest));
    return digest;
  }

  async delete(digest: string): Promise<void> {
    await rm(this.path(digest), { force: true });
  }

  /** Every stored digest. */
  async list(): Promise<string[]> {
    const out: string[] = [];
    for (const algorithm of await readdir(this.blobsDir)) {
      for (const hex of await readdir(join(this.blobsDir, algorithm))) out.push(`${algorithm}:${hex}`);
    }
    return out;
  }
}
