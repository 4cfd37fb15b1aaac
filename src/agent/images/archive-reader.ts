/**
 * Reads an image archive (`docker save` output or an OCI layout tar, optionally gzipped)
 * into numbered temp files so its parts can be read in any order. Archive paths never
 * become file system paths, and symlinks (which `docker save` uses for shared layers) are
 * resolved inside the archive, so a hostile archive cannot reach files outside it.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import tar from 'tar-stream';
import { decompressed } from './decompress.js';

type Entry = { kind: 'file'; path: string; size: number } | { kind: 'link'; target: string };

export class ArchiveContents {
  constructor(private readonly entries: Map<string, Entry>) {}

  /** The temp file holding archive member `name`, following symlinks; undefined if absent. */
  file(name: string): { path: string; size: number } | undefined {
    let key = normalize(name);
    for (let hops = 0; hops < 16; hops++) {
      const e = this.entries.get(key);
      if (!e) return undefined;
      if (e.kind === 'file') return e;
      key = e.target;
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.file(name) !== undefined;
  }

  async read(name: string, limit = 64 * 1024 * 1024): Promise<Buffer> {
    const f = this.file(name);
    if (!f) throw new Error(`archive has no ${name}`);
    if (f.size > limit) throw new Error(`${name} is larger than ${limit} bytes`);
    return readFile(f.path);
  }

  async json<T>(name: string): Promise<T> {
    const data = await this.read(name);
    try {
      return JSON.parse(data.toString('utf8')) as T;
    } catch (err) {
      throw new Error(`${name} in the archive is not valid JSON: ${(err as Error).message}`);
    }
  }
}

/**
 * Unpacks the archive's regular files into `workDir` (created here).
 *
 * @example
 * const contents = await readArchive('image.tar', join(store.blobs.ingestDir, tempName()));
 * const manifest = await contents.json('manifest.json');
 */
export async function readArchive(file: string, workDir: string): Promise<ArchiveContents> {
  await mkdir(workDir, { recursive: true });
  const entries = new Map<string, Entry>();
  const extract = tar.extract();
  const input = decompressed(createReadStream(file));
  input.once('error', (err) => extract.destroy(err));
  input.pipe(extract);
  let n = 0;
  for await (const entry of extract) {
    const h = entry.header;
    const name = normalize(h.name);
    if (h.type === 'file' || h.type === 'contiguous-file') {
      const path = join(workDir, `f${n++}`);
      const fh = await open(path, 'wx', 0o600);
      let size = 0;
      try {
        for await (const chunk of entry as AsyncIterable<Buffer>) {
          await fh.write(chunk);
          size += chunk.length;
        }
      } finally {
        await fh.close();
      }
      entries.set(name, { kind: 'file', path, size });
      continue;
    }
    if (h.type === 'symlink' && h.linkname) {
      const target = h.linkname.startsWith('/') ? normalize(h.linkname) : normalize(posix.join(posix.dirname(name), h.linkname));
      entries.set(name, { kind: 'link', target });
    } else if (h.type === 'link' && h.linkname) {
      entries.set(name, { kind: 'link', target: normalize(h.linkname) });
    }
    for await (const _ of entry as AsyncIterable<Buffer>) {
      // not needed
    }
  }
  return new ArchiveContents(entries);
}

function normalize(name: string): string {
  return posix.normalize(`/${name}`).replace(/^\/+/, '').replace(/\/+$/, '');
}
