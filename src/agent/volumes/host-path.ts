import { closeSync, openSync, type Stats } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { VolumeSetUpError, type HostPathType, type MountedVolume, type VolumeContext, type VolumePlugin } from './volume-types.js';

const checks: Record<Exclude<HostPathType, '' | 'DirectoryOrCreate' | 'FileOrCreate'>, { ok: (s: Stats) => boolean; what: string }> = {
  Directory: { ok: (s) => s.isDirectory(), what: 'a directory' },
  File: { ok: (s) => s.isFile(), what: 'a file' },
  Socket: { ok: (s) => s.isSocket(), what: 'a socket file' },
  CharDevice: { ok: (s) => s.isCharacterDevice(), what: 'a character device' },
  BlockDevice: { ok: (s) => s.isBlockDevice(), what: 'a block device' },
};

/**
 * Checks (and for the `…OrCreate` types, makes) a host path as the kubelet's hostPath type
 * checker does; throws the message the kubelet puts into FailedMount. An untyped path that
 * does not exist becomes a directory, as containerd does before bind-mounting it.
 *
 * @example
 * await checkHostPath('/var/log/app', 'DirectoryOrCreate'); // creates it 0755 if missing
 * await checkHostPath('/etc/hostname', 'Directory'); // Error: hostPath type check failed: /etc/hostname is not a directory
 */
export async function checkHostPath(path: string, type: HostPathType | undefined): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  const t = type ?? '';
  if (t === '') {
    if (!st) await mkdir(path, { recursive: true, mode: 0o755 });
    return;
  }
  if (t === 'DirectoryOrCreate') {
    if (!st) await mkdir(path, { recursive: true, mode: 0o755 });
    else if (!st.isDirectory()) throw new Error(`hostPath type check failed: ${path} is not a directory`);
    return;
  }
  if (t === 'FileOrCreate') {
    if (!st) {
      try {
        // The parent must exist (the kubelet does not create it either).
        closeSync(openSync(path, 'a', 0o644));
      } catch (err) {
        throw new Error(`open ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
      }
    } else if (!st.isFile()) throw new Error(`hostPath type check failed: ${path} is not a file`);
    return;
  }
  const check = checks[t];
  if (!check) throw new Error(`hostPath type check failed: unknown type ${String(t)}`);
  if (!st || !check.ok(st)) throw new Error(`hostPath type check failed: ${path} is not ${check.what}`);
}

/**
 * hostPath volumes: the node's own path, checked by `type`, bind-mounted as is.
 *
 * @example
 * await hostPathPlugin.setUp(ctx); // ctx.volume = { name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } }
 */
export const hostPathPlugin: VolumePlugin = {
  name: 'kubernetes.io~host-path',
  supports: (v) => v.hostPath !== undefined,
  async setUp(ctx: VolumeContext): Promise<MountedVolume> {
    const { path, type } = ctx.volume.hostPath!;
    try {
      await checkHostPath(path, type);
    } catch (err) {
      throw new VolumeSetUpError(ctx.volume.name, (err as Error).message);
    }
    return { name: ctx.volume.name, plugin: this.name, hostPath: path, readOnly: false };
  },
};
