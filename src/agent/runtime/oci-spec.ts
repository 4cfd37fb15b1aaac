import type { BindMount, ContainerResources, ContainerSecurity } from './container-runtime.js';

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
  cgroupsPath: string;
  mounts: BindMount[];
  resources: ContainerResources;
  security: ContainerSecurity;
}

/** The capabilities a container gets by default (containerd's and Docker's default set). */
export const defaultCapabilities = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** Every capability (privileged containers); runc drops those the kernel lacks. */
const allCapabilities = [
  ...defaultCapabilities,
  'CAP_DAC_READ_SEARCH', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_LEASE', 'CAP_AUDIT_CONTROL', 'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

const maskedPaths = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
const readonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** Kubernetes spells capabilities without the prefix (`NET_ADMIN`); OCI wants `CAP_NET_ADMIN`. */
function capName(c: string): string {
  const up = c.toUpperCase();
  return up.startsWith('CAP_') ? up : `CAP_${up}`;
}

function capabilities(sec: ContainerSecurity): string[] {
  if (sec.privileged) return allCapabilities;
  const drop = new Set((sec.capDrop ?? []).map(capName));
  const base = drop.has('CAP_ALL') ? [] : defaultCapabilities.filter((c) => !drop.has(c));
  const add = (sec.capAdd ?? []).map(capName);
  if (add.includes('CAP_ALL')) return allCapabilities;
  return [...new Set([...base, ...add])];
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
  const caps = capabilities(sec);
  // A host-network pod also keeps the host's name (the kubelet shares the UTS namespace then).
  const namespaces: Record<string, string>[] = [{ type: 'pid' }, { type: 'ipc' }, { type: 'mount' }];
  if (!input.hostNetwork) namespaces.push({ type: 'uts' }, input.netnsPath ? { type: 'network', path: input.netnsPath } : { type: 'network' });
  const process: Record<string, unknown> = {
    terminal: false,
    user: { uid: input.user.uid, gid: input.user.gid, ...(input.user.additionalGids?.length ? { additionalGids: input.user.additionalGids } : {}) },
    args: input.args,
    env: input.env,
    cwd: input.cwd || '/',
    capabilities: { bounding: caps, effective: caps, permitted: caps },
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
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', sec.privileged ? 'rw' : 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', sec.privileged ? 'rw' : 'ro'] },
      ...input.mounts.map((m) => ({
        destination: m.containerPath,
        type: 'bind',
        source: m.hostPath,
        options: ['rbind', 'rprivate', m.readOnly ? 'ro' : 'rw'],
      })),
    ],
    linux: {
      cgroupsPath: input.cgroupsPath,
      resources: linuxResources(input.resources, sec.privileged ?? false),
      namespaces,
      ...(sec.privileged ? {} : { maskedPaths, readonlyPaths }),
    },
  };
}
