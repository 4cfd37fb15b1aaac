import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Permission bits of the written file, e.g. `0o600` for keys and kubeconfigs. */
  mode: number;
  /** Mode for parent directories it has to create (existing ones are left alone). Default `0o755`. */
  dirMode?: number;
}

/**
 * Writes a file so readers see either the old content or the new, never a torn one, and a
 * crash mid-write leaves no half-written key behind: the data goes to a temporary file in
 * the same directory (so `rename` stays on one filesystem), is flushed, and is renamed over
 * the target. The temporary file is created with `mode` from the start, so a secret is never
 * readable by others even for a moment.
 *
 * @example
 * await writeFileAtomic('/var/lib/k8ts/tls/ca.key', keyPem, { mode: 0o600 });
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o755 });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', options.mode);
    try {
      await handle.writeFile(data);
      // The umask may have narrowed the mode given to open(); set it exactly.
      await handle.chmod(options.mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
