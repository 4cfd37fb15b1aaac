import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxConfig } from './container-runtime.js';

/** The per-pod files every container of the pod sees at the same path. */
export const sandboxFileTargets = { hosts: '/etc/hosts', 'resolv.conf': '/etc/resolv.conf', hostname: '/etc/hostname' } as const;

/**
 * Writes hosts, resolv.conf and hostname into the sandbox directory. The files are rewritten
 * in place (truncate and write, never rename): containers bind-mount them, and a rename would
 * leave them looking at the old inode.
 */
export async function writeSandboxFiles(dir: string, config: SandboxConfig): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hosts'), config.hostsFile, { mode: 0o644 });
  writeFileSync(join(dir, 'resolv.conf'), config.resolvConf, { mode: 0o644 });
  writeFileSync(join(dir, 'hostname'), `${config.hostname}\n`, { mode: 0o644 });
}
