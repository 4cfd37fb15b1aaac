// Helpers for tests that run real containers: a busybox root filesystem as an image layer,
// and a k8ts-owned sandbox of runtime dirs, cgroups and namespaces removed afterwards.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
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

export function runtimeTestEnv(): RuntimeTestEnv {
  const tag = randomBytes(4).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-rt-test-'));
  const root = join('/run', `k8ts-test-${tag}`);
  const cgroupRoot = `/k8ts-test-${tag}`;
  const layer = makeBusyboxLayer(join(dir, 'layer'));
  return {
    dir,
    stateDir: join(dir, 'pods'),
    root,
    logDir: join(dir, 'logs'),
    cgroupRoot,
    layer,
    async cleanup() {
      // Whatever a failed test left: containers, mounts, namespaces of its pods, cgroups.
      try {
        const list = JSON.parse(execFileSync('runc', ['--root', root, 'list', '--format', 'json'], { encoding: 'utf8' }) || 'null') as { id: string }[] | null;
        for (const c of list ?? []) execFileSync('runc', ['--root', root, 'delete', '--force', c.id], { stdio: 'ignore' });
      } catch {
        // no root dir: nothing ran
      }
      await unmountAllUnder(dir);
      const uids = (() => {
        try {
          return execFileSync('ls', [join(dir, 'pods')], { encoding: 'utf8' }).split('\n').filter(Boolean);
        } catch {
          return [];
        }
      })();
      for (const uid of uids) for (const ns of listNetns(`k8ts-${uid.replace(/-/g, '').slice(0, 12)}`)) await deleteNetns(ns);
      removeCgroup(detectCgroupLayout(), cgroupRoot);
      rmSync(root, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
