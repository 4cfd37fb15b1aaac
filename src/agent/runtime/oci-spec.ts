import type { BindMount, ContainerResources, ContainerSecurity } from './container-runtime.js';
import { ociBindMounts, rootfsPropagation } from '../volumes/oci-mounts.js';
import { containerCapabilities, hostDevices, maskedPaths, ociCapabilities, ociSeccomp, readonlyPaths } from './oci-security.js';

/** Everything config.json needs beyond the defaults every container shares. */
export interface OciSpecInput {
  args: string[];
  env: string[];
  cwd: string;
  user: { uid: number; gid: number; additionalGids?: number[] };
  hostname: string;
  /** Join this network namespace (the pod's); omitted: a fresh one. */
  netnsPath?: string;
  /** Stay in the host's network namespace. */
  hostNetwork?: boolean;
  /** The pod's shared PID namespace (`/proc/<pid>/ns/pid`), for `security.pidNamespace: 'pod'`. */
  pidnsPath?: string;
  /** The pod's IPC namespace file and /dev/shm tmpfs (containers of a pod share both). */
  ipcnsPath?: string;
  shmPath?: string;
  cgroupsPath: string;
  mounts: BindMount[];
  resources: ContainerResources;
  security: ContainerSecurity;
}

function linuxResources(r: ContainerResources, privileged: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { devices: [{ allow: privileged, access: 'rwm' }] };
  const cpu: Record<string, number> = {};
  if (r.cpuShares !== undefined) cpu.shares = r.cpuShares;
  if (r.cpuQuota !== undefined) cpu.quota = r.cpuQuota;
  if (r.cpuPeriod !== undefined) cpu.period = r.cpuPeriod;
  if (Object.keys(cpu).length) out.cpu = cpu;
  if (r.memoryLimitBytes !== undefined) out.memory = { limit: r.memoryLimitBytes };
  return out;
}

/**
 * Builds an OCI runtime config.json for one container of a pod: default mounts and masks
 * as containerd sets them, the pod's network namespace, the cgroup path the agent owns,
 * the hosts/resolv.conf/hostname bind mounts, limits and capabilities.
 *
 * @example
 * const spec = ociSpec({ args: ['sh'], env: ['PATH=/bin'], cwd: '/', user: { uid: 0, gid: 0 }, hostname: 'web',
 *   netnsPath: '/var/run/netns/k8ts-abc', cgroupsPath: '/kubepods/besteffort/podUID/ID', mounts: [], resources: {}, security: {} });
 */
export function ociSpec(input: OciSpecInput): Record<string, unknown> {
  const sec = input.security;
  const caps = containerCapabilities(sec);
  const seccomp = ociSeccomp(sec.seccomp, sec.privileged ?? false, caps);
  // A host-network pod also keeps the host's name (the kubelet shares the UTS namespace then).
  const namespaces: Record<string, string>[] = [{ type: 'mount' }];
  if (sec.pidNamespace === 'pod' && input.pidnsPath) namespaces.push({ type: 'pid', path: input.pidnsPath });
  else if (sec.pidNamespace !== 'node') namespaces.push({ type: 'pid' });
  if (!sec.hostIPC) namespaces.push(input.ipcnsPath ? { type: 'ipc', path: input.ipcnsPath } : { type: 'ipc' });
  // The node's /dev/shm with hostIPC, else the pod's, else the container's own.
  const shmSource = sec.hostIPC ? '/dev/shm' : input.shmPath;
  if (!input.hostNetwork) namespaces.push({ type: 'uts' }, input.netnsPath ? { type: 'network', path: input.netnsPath } : { type: 'network' });
  const process: Record<string, unknown> = {
    terminal: false,
    user: { uid: input.user.uid, gid: input.user.gid, ...(input.user.additionalGids?.length ? { additionalGids: input.user.additionalGids } : {}) },
    args: input.args,
    env: input.env,
    cwd: input.cwd || '/',
    capabilities: ociCapabilities(caps),
    noNewPrivileges: sec.noNewPrivileges ?? false,
  };
  if (input.resources.oomScoreAdj !== undefined) process.oomScoreAdj = input.resources.oomScoreAdj;
  return {
    ociVersion: '1.0.2',
    process,
    root: { path: 'rootfs', readonly: sec.readOnlyRootFilesystem ?? false },
    ...(input.hostNetwork ? {} : { hostname: input.hostname }),
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      shmSource
        ? { destination: '/dev/shm', type: 'bind', source: shmSource, options: ['rbind', 'rprivate', 'rw'] }
        : { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', sec.privileged ? 'rw' : 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', sec.privileged ? 'rw' : 'ro'] },
      ...ociBindMounts(input.mounts),
    ],
    linux: {
      ...rootfsPropagation(input.mounts),
      cgroupsPath: input.cgroupsPath,
      resources: linuxResources(input.resources, sec.privileged ?? false),
      namespaces,
      ...(sec.privileged || sec.unmaskedProc ? {} : { maskedPaths, readonlyPaths }),
      ...(sec.privileged ? { devices: hostDevices() } : {}),
      ...(sec.sysctls && Object.keys(sec.sysctls).length ? { sysctl: sec.sysctls } : {}),
      ...(seccomp ? { seccomp } : {}),
    },
  };
}
