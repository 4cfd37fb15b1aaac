// Helpers for tests that run real containers: a busybox root filesystem as an image layer,
// and a k8ts-owned sandbox of runtime dirs, cgroups and namespaces removed afterwards.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectCgroupLayout, removeCgroup } from './cgroups.js';
import { deleteNetns, listNetns } from './netns.js';
import { unmountAllUnder } from './overlay.js';

/** Where Debian's busybox-static installs its single static binary. */
export const busyboxBinary = '/bin/busybox';

/**
 * Builds a root filesystem with busybox and its applets (sh, sleep, httpd, wget …) plus
 * minimal /etc files, usable as an image layer directory.
 */
export function makeBusyboxLayer(dir: string): string {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'etc'), { recursive: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  chmodSync(join(dir, 'tmp'), 0o1777);
  copyFileSync(busyboxBinary, join(dir, 'bin', 'busybox'));
  chmodSync(join(dir, 'bin', 'busybox'), 0o755);
  const applets = execFileSync(busyboxBinary, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) symlinkSync('busybox', join(dir, 'bin', a));
  writeFileSync(join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:1000:1000::/home/app:/bin/sh\n');
  writeFileSync(join(dir, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\napp:x:1000:\n');
  return dir;
}

/** A throwaway runtime environment whose names all carry one random k8ts-test prefix. */
export interface RuntimeTestEnv {
  dir: string;
  stateDir: string;
  root: string;
  logDir: string;
  cgroupRoot: string;
  layer: string;
  cleanup(): Promise<void>;
}

/** Where a test env records its owner, so a later run can clean up after a killed one. */
const ownersDir = '/run/k8ts-test-owners';

/** A test's claim on machine resources: its process, folder, runtime root and cgroup root. */
export interface TestOwner {
  pid: number;
  dir: string;
  root: string;
  cgroupRoot: string;
  /** Where its pod folders are (default `<dir>/pods`). */
  podsDir?: string;
  /** Helper processes it started (a registry): [pid, a word of their command line]. */
  processes?: [number, string][];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Cleans up the envs of test processes that died before their own cleanup ran. */
export async function reapStaleTestEnvs(): Promise<void> {
  let files: string[] = [];
  try {
    files = readdirSync(ownersDir);
  } catch {
    return;
  }
  for (const f of files) {
    let owner: TestOwner;
    try {
      owner = JSON.parse(readFileSync(join(ownersDir, f), 'utf8')) as TestOwner;
    } catch {
      continue;
    }
    if (alive(owner.pid)) continue;
    await cleanupEnv(owner);
    rmSync(join(ownersDir, f), { force: true });
  }
}

async function cleanupEnv({ dir, root, cgroupRoot, podsDir, processes }: TestOwner): Promise<void> {
  for (const [pid, word] of processes ?? []) {
    // Only the same process: a reused PID runs something else.
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(word)) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  try {
    const list = JSON.parse(execFileSync('runc', ['--root', root, 'list', '--format', 'json'], { encoding: 'utf8' }) || 'null') as { id: string }[] | null;
    for (const c of list ?? []) execFileSync('runc', ['--root', root, 'delete', '--force', c.id], { stdio: 'ignore' });
  } catch {
    // no root dir: nothing ran
  }
  await unmountAllUnder(dir);
  let uids: string[] = [];
  try {
    uids = readdirSync(podsDir ?? join(dir, 'pods'));
  } catch {
    uids = [];
  }
  for (const uid of uids) for (const ns of listNetns(`k8ts-${uid.replace(/-/g, '').slice(0, 12)}`)) await deleteNetns(ns);
  // The shims record exits after their runtime returns; give them a moment before the cgroups go.
  for (let i = 0; i < 20 && removeCgroup(detectCgroupLayout(), cgroupRoot).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  rmSync(root, { recursive: true, force: true });
  rmSync(`${root}-crun`, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

/**
 * Records resources a test is about to create; `release()` cleans them up and forgets them.
 * If the test process dies first, the next reapStaleTestEnvs() cleans them.
 */
export function claimTestResources(owner: Omit<TestOwner, 'pid'>, tag: string): { release(): Promise<void>; addProcess(pid: number, word: string): void } {
  const full: TestOwner = { pid: process.pid, ...owner };
  mkdirSync(ownersDir, { recursive: true });
  const file = join(ownersDir, `${tag}.json`);
  writeFileSync(file, JSON.stringify(full));
  return {
    addProcess(pid, word) {
      full.processes = [...(full.processes ?? []), [pid, word]];
      writeFileSync(file, JSON.stringify(full));
    },
    async release() {
      await cleanupEnv(full);
      rmSync(file, { force: true });
    },
  };
}

export function runtimeTestEnv(): RuntimeTestEnv {
  const tag = randomBytes(4).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-rt-test-'));
  const root = join('/run', `k8ts-test-${tag}`);
  const cgroupRoot = `/k8ts-test-${tag}`;
  const layer = makeBusyboxLayer(join(dir, 'layer'));
  const owner: TestOwner = { pid: process.pid, dir, root, cgroupRoot };
  mkdirSync(ownersDir, { recursive: true });
  const ownerFile = join(ownersDir, `${tag}.json`);
  writeFileSync(ownerFile, JSON.stringify(owner));
  return {
    dir,
    stateDir: join(dir, 'pods'),
    root,
    logDir: join(dir, 'logs'),
    cgroupRoot,
    layer,
    async cleanup() {
      await cleanupEnv(owner);
      rmSync(ownerFile, { force: true });
    },
  };
}
