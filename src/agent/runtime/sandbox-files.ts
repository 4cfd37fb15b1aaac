import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxConfig } from './container-runtime.js';

/** The per-pod files every container of the pod sees at the same path. */
export const sandboxFileTargets = { hosts: '/etc/hosts', 'resolv.conf': '/etc/resolv.conf', hostname: '/etc/hostname' } as const;

/**
 * Rewrites a file in place: containers bind-mount these files, and a rename would leave them
 * looking at the old inode.
 */
async function writeInPlace(path: string, text: string): Promise<void> {
  const fh = await open(path, 'w', 0o644);
  try {
    await fh.writeFile(text);
  } finally {
    await fh.close();
  }
}

/** Writes hosts, resolv.conf and hostname into the sandbox directory. */
export async function writeSandboxFiles(dir: string, config: SandboxConfig): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeInPlace(join(dir, 'hosts'), config.hostsFile);
  await writeInPlace(join(dir, 'resolv.conf'), config.resolvConf);
  await writeInPlace(join(dir, 'hostname'), `${config.hostname}\n`);
}
