import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { expandVars } from '../pods/command.js';
import { ContainerConfigError } from '../pods/env.js';
import type { PropagatedMount } from './oci-mounts.js';
import type { MountedVolume } from './volume-types.js';

/** One entry of a container's `volumeMounts`. */
export interface VolumeMountSpec {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
  subPathExpr?: string;
  mountPropagation?: 'None' | 'HostToContainer' | 'Bidirectional';
}

const propagation = { None: 'rprivate', HostToContainer: 'rslave', Bidirectional: 'rshared' } as const;

/** Resolves a subPath inside a volume; it must stay inside even through symlinks (the kubelet's safe subpath). */
function subPathSource(root: string, sub: string, mayCreate: boolean, what: string): string {
  if (isAbsolute(sub)) throw new ContainerConfigError(`${what}: subpath ${sub} must not be an absolute path`);
  if (sub.split('/').includes('..')) throw new ContainerConfigError(`${what}: subpath ${sub} must not contain '..'`);
  const path = join(root, sub);
  if (!existsSync(path)) {
    if (!mayCreate) throw new ContainerConfigError(`${what}: ${path} does not exist`);
    mkdirSync(path, { recursive: true, mode: 0o750 });
  }
  // The realpath is what gets mounted: a file of a configMap generation stays that file, so
  // subPath mounts do not see updates, as on Kubernetes.
  const real = realpathSync(path);
  const realRoot = realpathSync(root);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) throw new ContainerConfigError(`${what}: subpath ${JSON.stringify(real)} not within volume path ${JSON.stringify(realRoot)}`);
  return real;
}

/**
 * The bind mounts of one container: each volumeMount's volume (or its `subPath`, with
 * `subPathExpr` expanded from the container's env), read-only when the mount or the volume
 * says so, with the mount propagation runc maps from `mountPropagation`.
 *
 * @example
 * containerVolumeMounts('web', [{ name: 'cfg', mountPath: '/etc/app' }], volumes, {});
 * // [{ hostPath: '/var/lib/k8ts/agent/pods/UID/volumes/kubernetes.io~configmap/cfg', containerPath: '/etc/app', readOnly: true, propagation: 'rprivate' }]
 */
export function containerVolumeMounts(container: string, mounts: VolumeMountSpec[] | undefined, volumes: Map<string, MountedVolume> | undefined, env: Record<string, string>): PropagatedMount[] {
  const out: PropagatedMount[] = [];
  for (const m of mounts ?? []) {
    const vol = volumes?.get(m.name);
    if (!vol) throw new ContainerConfigError(`cannot find volume "${m.name}" to mount into container "${container}"`);
    const readOnly = m.readOnly === true || vol.readOnly;
    const sub = m.subPathExpr !== undefined ? expandVars(m.subPathExpr, env) : m.subPath;
    const what = `failed to prepare subPath for volumeMount "${m.name}" of container "${container}"`;
    const hostPath = sub ? subPathSource(vol.hostPath, sub, !vol.readOnly, what) : vol.hostPath;
    out.push({ hostPath, containerPath: m.mountPath, readOnly, propagation: propagation[m.mountPropagation ?? 'None'] ?? 'rprivate' });
  }
  return out;
}
