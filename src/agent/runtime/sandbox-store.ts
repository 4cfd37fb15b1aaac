import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxConfig, SandboxStatus } from './container-runtime.js';

/** What the runtime remembers of a sandbox across agent restarts (`<pod dir>/sandbox.json`). */
export interface SandboxRecord {
  status: SandboxStatus;
  netnsName: string;
  cgroupParent: string;
  config: Pick<SandboxConfig, 'podName' | 'namespace' | 'hostname' | 'portMappings'>;
}

/**
 * The on-disk layout of pods under the runtime's state dir:
 * `<stateDir>/<podUid>/sandbox.json`, `hosts`, `resolv.conf`, `hostname` and
 * `containers/<id>/` (bundle, rootfs, FIFOs, exit file).
 */
export class PodDirs {
  constructor(readonly stateDir: string) {}

  pod(uid: string): string {
    return join(this.stateDir, uid);
  }

  container(uid: string, id: string): string {
    return join(this.stateDir, uid, 'containers', id);
  }

  async podUids(): Promise<string[]> {
    return readdir(this.stateDir).catch(() => []);
  }

  async containerIds(uid: string): Promise<string[]> {
    return readdir(join(this.stateDir, uid, 'containers')).catch(() => []);
  }

  async readSandbox(uid: string): Promise<SandboxRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(this.pod(uid), 'sandbox.json'), 'utf8')) as SandboxRecord;
    } catch {
      return undefined;
    }
  }

  async writeSandbox(rec: SandboxRecord): Promise<void> {
    mkdirSync(this.pod(rec.status.podUid), { recursive: true });
    writeFileSync(join(this.pod(rec.status.podUid), 'sandbox.json'), JSON.stringify(rec));
  }

  async removePod(uid: string): Promise<void> {
    await rm(this.pod(uid), { recursive: true, force: true });
  }
}
