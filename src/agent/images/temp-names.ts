/**
 * Names for work in progress (partial blobs, half-unpacked layers) that say which process
 * owns them, so a later start can tell leftovers of a killed process from another process's
 * live pull and remove only the former.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** `<pid>-<random>`, unique per call. */
export function tempName(prefix = ''): string {
  return `${prefix}${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** True when the process named by a temp name is gone (the name is then a leftover). */
export function isStale(name: string, prefix = ''): boolean {
  const m = new RegExp(`^${prefix}(\\d+)-`).exec(name);
  if (!m) return true;
  const pid = Number(m[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes leftovers of dead processes in `dir`; returns how many were removed. */
export async function removeStale(dir: string, prefix = ''): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (name.startsWith(prefix) && isStale(name, prefix)) {
      await rm(join(dir, name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
