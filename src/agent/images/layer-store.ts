/**
 * Unpacked layers, one directory per diffID (`layers/sha256/<hex>/rootfs`), shared by every
 * image that has the layer and never written after they appear (they are overlayfs lower
 * dirs). A layer is unpacked into `layers/tmp/<pid>-…`, its diffID checked against the bytes
 * actually read, and the folder renamed into place in one step.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { splitDigest } from './digest.js';
import { DigestMismatchError } from './blob-store.js';
import { unpackLayer } from './layer-unpack.js';
import { removeStale, tempName } from './temp-names.js';

export interface LayerRecord {
  diffID: string;
  /** Bytes of file content in the layer. */
  size: number;
  unpackedAt: string;
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
   * Unpacks an uncompressed layer tar as `diffID`, verifying that the tar hashes to it.
   * When another unpack of the same layer won the race, its result is kept and returned.
   *
   * @example
   * const rec = await layers.unpack(config.rootfs.diff_ids[0], gunzippedStream);
   */
  async unpack(diffID: string, tarStream: Readable): Promise<LayerRecord> {
    const { algorithm } = splitDigest(diffID);
    const work = join(this.tmpDir, tempName());
    await mkdir(join(work, 'rootfs'), { recursive: true });
    try {
      const hash = createHash(algorithm);
      const hashing = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          cb(null, chunk);
        },
      });
      tarStream.once('error', (err) => hashing.destroy(err));
      const ended = new Promise<void>((resolve, reject) => {
        hashing.once('end', resolve);
        hashing.once('error', reject);
      });
      const stats = await unpackLayer(tarStream.pipe(hashing), join(work, 'rootfs'));
      // The tar may carry padding after its end marker; the diffID covers every byte.
      hashing.resume();
      await ended;
      const actual = `${algorithm}:${hash.digest('hex')}`;
      if (actual !== diffID) throw new DigestMismatchError(diffID, actual);
      const record: LayerRecord = { diffID, size: stats.size, unpackedAt: new Date().toISOString() };
      await writeFile(join(work, 'layer.json'), JSON.stringify(record));
      await mkdir(join(this.layersDir, algorithm), { recursive: true });
      try {
        await rename(work, this.base(diffID));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
        await rm(work, { recursive: true, force: true });
        return (await this.get(diffID)) ?? record;
      }
      return record;
    } catch (err) {
      await rm(work, { recursive: true, force: true });
      throw err;
    }
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
