import { randomInt } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readlink, readdir, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileProjection } from './volume-types.js';

const dataLink = '..data';
const newDataLink = '..data_tmp';

/** A payload path must stay inside the volume: relative, no `..` element, no leading `..`. */
export function validatePayloadPath(path: string): void {
  if (path === '') throw new Error('invalid path: must not be empty');
  if (path.length > 4096) throw new Error(`invalid path: must be less than or equal to 4096 characters`);
  if (path.startsWith('/')) throw new Error(`invalid path: must be relative path: ${path}`);
  if (path.split('/').includes('..')) throw new Error(`invalid path: must not contain '..': ${path}`);
  if (path.startsWith('..')) throw new Error(`invalid path: must not start with '..': ${path}`);
}

/** `..2006_01_02_15_04_05.` followed by random digits: the kubelet's name for a payload generation. */
function generationName(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}`;
  return `..${stamp}.${randomInt(1e9, 1e10)}`;
}

async function currentGeneration(dir: string): Promise<string | undefined> {
  try {
    return await readlink(join(dir, dataLink));
  } catch {
    return undefined;
  }
}

/** Whether the generation already holds exactly this payload (same files, bytes and modes). */
async function sameAsPayload(genDir: string, payload: Map<string, FileProjection>): Promise<boolean> {
  const present = await listFiles(genDir).catch(() => undefined);
  if (!present || present.length !== payload.size) return false;
  for (const [path, file] of payload) {
    try {
      const st = await stat(join(genDir, path));
      if ((st.mode & 0o7777) !== file.mode) return false;
      if (!(await readFile(join(genDir, path))).equals(file.data)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), `${prefix}${e.name}/`)));
    else out.push(`${prefix}${e.name}`);
  }
  return out;
}

export interface AtomicWriteOptions {
  now?: Date;
  /** Runs on the new generation before it becomes visible (fsGroup ownership). */
  beforeSwap?: (genDir: string) => Promise<void>;
}

/**
 * Publishes a payload into a volume dir the way the kubelet's atomic writer does: files go
 * into a fresh `..<timestamp>` dir, the `..data` symlink is swapped to it with one rename,
 * and each top-level name is a symlink through `..data`, so a reader sees either the old
 * or the new set, never a mix. Returns false when the payload was already there.
 *
 * @example
 * await writeAtomic('/var/lib/k8ts/agent/pods/UID/volumes/kubernetes.io~configmap/cfg',
 *   new Map([['app.conf', { data: Buffer.from('x=1\n'), mode: 0o644 }]]));
 * // cfg/app.conf -> ..data/app.conf, ..data -> ..2026_01_02_03_04_05.123456789
 */
export async function writeAtomic(dir: string, payload: Map<string, FileProjection>, opts: AtomicWriteOptions = {}): Promise<boolean> {
  for (const path of payload.keys()) validatePayloadPath(path);
  await mkdir(dir, { recursive: true });
  const old = await currentGeneration(dir);
  if (old && (await sameAsPayload(join(dir, old), payload))) return false;

  const gen = generationName(opts.now ?? new Date());
  const genDir = join(dir, gen);
  await mkdir(genDir, { mode: 0o755 });
  await chmod(genDir, 0o755);
  for (const [path, file] of payload) {
    const target = join(genDir, path);
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    await writeFile(target, file.data, { mode: file.mode });
    // The umask may have taken bits away; the mode is the user's.
    await chmod(target, file.mode);
  }
  await opts.beforeSwap?.(genDir);

  await unlink(join(dir, newDataLink)).catch(() => undefined);
  await symlink(gen, join(dir, newDataLink));
  await rename(join(dir, newDataLink), join(dir, dataLink));

  const visible = new Set([...payload.keys()].map((p) => p.split('/')[0]!));
  for (const name of visible) {
    const link = join(dir, name);
    const st = await lstat(link).catch(() => undefined);
    if (st?.isSymbolicLink()) continue;
    if (st) await rm(link, { recursive: true, force: true });
    await symlink(join(dataLink, name), link);
  }
  for (const name of await readdir(dir)) {
    if (name.startsWith('..') || visible.has(name)) continue;
    const st = await lstat(join(dir, name)).catch(() => undefined);
    if (st?.isSymbolicLink()) await unlink(join(dir, name));
  }
  if (old && old !== gen) await rm(join(dir, old), { recursive: true, force: true });
  return true;
}
