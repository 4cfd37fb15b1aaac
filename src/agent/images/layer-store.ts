/**
 * Unpacked layers, one directory per diffID (`layers/sha256/<hex>/rootfs`), shared by every
 * image that has the layer and never written after they appear (they are overlayfs lower
 * dirs). A layer is unpacked (in a worker thread) into `layers/tmp/<pid>-…`, its diffID
 * checked against the bytes actually read, and the folder renamed into place in one step.
 */
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitDigest } from './digest.js';
import { DigestMismatchError } from './blob-store.js';
import { removeStale, tempName } from './temp-names.js';
import { unpackPool, type UnpackJob } from './unpack-pool.js';

export interface LayerRecord {
  diffID: string;
  /** Bytes of file content in the layer. */
  size: number;
  unpackedAt: string;
}

/** An unpack in progress (see LayerStore.open). */
export interface LayerWriter {
  write(chunk: Buffer): Promise<void>;
  commit(): Promise<LayerRecord>;
  abort(): Promise<void>;
}

export class LayerStore {
  readonly layersDir: string;
  private readonly tmpDir: string;

  constructor(root: string) {
    this.layersDir = join(root, 'layers');
    this.tmpDir = join(this.layersDir, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(join(this.layersDir, 'sha256'), { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
    await removeStale(this.tmpDir);
    await removeStale(this.tmpDir, 'del-');
  }

  /** The folder overlayfs uses as a lower dir. */
  dir(diffID: string): string {
    return join(this.base(diffID), 'rootfs');
  }

  async get(diffID: string): Promise<LayerRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(this.base(diffID), 'layer.json'), 'utf8')) as LayerRecord;
    } catch {
      return undefined;
    }
  }

  /**
   * Opens an unpack of layer `diffID` in a worker thread: feed it the layer blob (gzip,
   * zstd or plain tar; the bytes decide), then commit, which checks the tar against the
   * diffID and renames the folder into place. When another unpack of the same layer won
   * the race, its result is kept and returned.
   *
   * @example
   * const w = await layers.open(config.rootfs.diff_ids[0]);
   * for await (const chunk of blob) await w.write(chunk);
   * const rec = await w.commit();
   */
  async open(diffID: string): Promise<LayerWriter> {
    const { algorithm } = splitDigest(diffID);
    const work = join(this.tmpDir, tempName());
    await mkdir(join(work, 'rootfs'), { recursive: true });
    let job: UnpackJob;
    try {
      job = await unpackPool.start(join(work, 'rootfs'), algorithm);
    } catch (err) {
      await rm(work, { recursive: true, force: true });
      throw err;
    }
    const discard = () => rm(work, { recursive: true, force: true });
    return {
      write: (chunk) => job.write(chunk),
      abort: async () => {
        await job.abort();
        await discard();
      },
      commit: async () => {
        try {
          const { diffID: actual, stats } = await job.end();
          if (actual !== diffID) throw new DigestMismatchError(diffID, actual);
          const record: LayerRecord = { diffID, size: stats.size, unpackedAt: new Date().toISOString() };
          await writeFile(join(work, 'layer.json'), JSON.stringify(record));
          await mkdir(join(this.layersDir, algorithm), { recursive: true });
          try {
            await rename(work, this.base(diffID));
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
            await discard();
            return (await this.get(diffID)) ?? record;
          }
          return record;
        } catch (err) {
          await discard();
          throw err;
        }
      },
    };
  }

  /** Unpacks a whole layer blob from a stream (a file, say). */
  async unpack(diffID: string, blob: AsyncIterable<Buffer>): Promise<LayerRecord> {
    const w = await this.open(diffID);
    try {
      for await (const chunk of blob) await w.write(chunk);
    } catch (err) {
      await w.abort();
      throw err;
    }
    return w.commit();
  }

  /** Removes a layer: first renamed out of sight, so a crash never leaves half a layer under its name. */
  async delete(diffID: string): Promise<void> {
    const trash = join(this.tmpDir, tempName('del-'));
    try {
      await rename(this.base(diffID), trash);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await rm(trash, { recursive: true, force: true });
  }

  async list(): Promise<string[]> {
    const out: string[] = [];
    for (const algorithm of await readdir(this.layersDir)) {
      if (algorithm === 'tmp') continue;
      for (const hex of await readdir(join(this.layersDir, algorithm))) out.push(`${algorithm}:${hex}`);
    }
    return out;
  }

  private base(diffID: string): string {
    const { algorithm, hex } = splitDigest(diffID);
    return join(this.layersDir, algorithm, hex);
  }
}
