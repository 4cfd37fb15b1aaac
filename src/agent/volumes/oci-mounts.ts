import type { BindMount } from '../runtime/container-runtime.js';

/** A bind mount with the propagation a volumeMount asks for (rprivate when absent). */
export interface PropagatedMount extends BindMount {
  propagation?: 'rprivate' | 'rslave' | 'rshared';
}

/**
 * config.json `mounts` entries for a container's bind mounts (volumes, sandbox files),
 * with the propagation each asks for (rprivate unless a volume wants rslave or rshared).
 *
 * @example
 * ociBindMounts([{ hostPath: '/srv', containerPath: '/data', readOnly: true, propagation: 'rslave' }]);
 * // [{ destination: '/data', type: 'bind', source: '/srv', options: ['rbind', 'rslave', 'ro'] }]
 */
export function ociBindMounts(mounts: readonly PropagatedMount[]): Record<string, unknown>[] {
  return mounts.map((m) => ({
    destination: m.containerPath,
    type: 'bind',
    source: m.hostPath,
    options: ['rbind', m.propagation ?? 'rprivate', m.readOnly ? 'ro' : 'rw'],
  }));
}

/**
 * `linux.rootfsPropagation` for a container, as containerd sets it: rshared when a mount
 * is Bidirectional, rslave when one is HostToContainer, otherwise left to runc's default.
 *
 * @example
 * rootfsPropagation([{ hostPath: '/mnt', containerPath: '/mnt', propagation: 'rshared' }]); // { rootfsPropagation: 'rshared' }
 */
export function rootfsPropagation(mounts: readonly PropagatedMount[]): { rootfsPropagation?: 'rshared' | 'rslave' } {
  if (mounts.some((m) => m.propagation === 'rshared')) return { rootfsPropagation: 'rshared' };
  if (mounts.some((m) => m.propagation === 'rslave')) return { rootfsPropagation: 'rslave' };
  return {};
}
