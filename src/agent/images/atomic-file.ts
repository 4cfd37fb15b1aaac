/**
 * Small JSON files written so that a reader (or a process started after a kill -9) sees the
 * old content or the new, never half of either: write a temp file beside it, then rename.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempName } from './temp-names.js';

/**
 * Writes `value` as JSON to `path` atomically; `durable` (default) also fsyncs before the
 * rename so the file survives a power cut, not only a killed process.
 */
export async function writeJsonAtomic(path: string, value: unknown, opts: { durable?: boolean } = {}): Promise<void> {
  const tmp = join(dirname(path), `.${tempName()}`);
  const fh = await open(tmp, 'wx', 0o644);
  try {
    await fh.writeFile(JSON.stringify(value, null, 2) + '\n');
    if (opts.durable !== false) await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Reads a JSON file; undefined when it does not exist. */
export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
