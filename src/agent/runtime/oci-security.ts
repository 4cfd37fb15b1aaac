import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeDefaultSeccomp } from './seccomp-default.js';

/** How a container's seccomp filter is chosen (the pod's `seccompProfile`). */
export type SeccompChoice =
  | { type: 'Unconfined' }
  | { type: 'RuntimeDefault' }
  /** A profile file on the node (`<seccomp dir>/<localhostProfile>`), read when the container is created. */
  | { type: 'Localhost'; path: string };

/** Which PID namespace a container runs in: its own, the pod's shared one, or the node's. */
export type PidNamespaceMode = 'container' | 'pod' | 'node';

declare module './container-runtime.js' {
  interface ContainerSecurity {
    seccomp?: SeccompChoice;
    /** procMount `Unmasked`: no masked or read-only /proc paths. */
    unmaskedProc?: boolean;
    /** Namespaced sysctls the pod sets (already checked against the allowed set). */
    sysctls?: Record<string, string>;
    pidNamespace?: PidNamespaceMode;
    /** hostIPC: stay in the node's IPC namespace. */
    hostIPC?: boolean;
  }
  interface SandboxConfig {
    /** shareProcessNamespace: the pod's containers join one PID namespace. */
    sharePid?: boolean;
  }
}

/** containerd's default capability set (also Docker's). */
export const defaultCapabilities = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** Every capability, in the kernel's bit order (CAP_CHOWN is bit 0). */
const capabilityBits = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK',
  'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** The capabilities a bounding-set mask (`CapBnd` of /proc/<pid>/status, hex) holds. */
export function capabilitiesInMask(hex: string): string[] {
  const mask = BigInt(`0x${hex}`);
  return capabilityBits.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

let current: string[] | undefined;

/**
 * Every capability the agent itself holds: what privileged containers and `add: [ALL]` get
 * (containerd's "all current capabilities"), so a node that runs with a reduced bounding set
 * still starts them instead of failing to apply capabilities it cannot grant.
 */
export function allCapabilities(): string[] {
  if (!current) {
    let hex: string | undefined;
    try {
      hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    } catch {
      // not Linux
    }
    current = hex ? capabilitiesInMask(hex) : [...capabilityBits];
  }
  return current;
}

/** What containerd hides in /proc and /sys unless the container is privileged or asks for an unmasked /proc. */
export const maskedPaths = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats',
  '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const readonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** Kubernetes spells capabilities without the prefix (`NET_ADMIN`); OCI wants `CAP_NET_ADMIN`. */
function capName(c: string): string {
  const up = c.toUpperCase();
  return up.startsWith('CAP_') ? up : `CAP_${up}`;
}

/**
 * The capability set of a container, as containerd computes it: privileged gets all; else the
 * default set, `ALL` in add (everything) and drop (nothing) first, then the single adds, then
 * the single drops — so `add: [ALL], drop: [CHOWN]` is everything but CHOWN.
 *
 * @example
 * containerCapabilities({ capDrop: ['NET_RAW'] }); // the default set without CAP_NET_RAW
 */
export function containerCapabilities(sec: { privileged?: boolean; capAdd?: string[]; capDrop?: string[] }): string[] {
  if (sec.privileged) return [...allCapabilities()];
  const add = (sec.capAdd ?? []).map(capName);
  const drop = (sec.capDrop ?? []).map(capName);
  let caps = [...defaultCapabilities];
  if (add.includes('CAP_ALL')) caps = [...allCapabilities()];
  if (drop.includes('CAP_ALL')) caps = [];
  for (const c of add) if (c !== 'CAP_ALL' && !caps.includes(c)) caps.push(c);
  return caps.filter((c) => !drop.includes(c));
}

/**
 * The OCI `process.capabilities` as containerd writes them: bounding, effective and permitted
 * hold the set whatever the user; inheritable and ambient stay empty. For a non-root user the
 * kernel then clears effective and permitted at exec (no ambient or file capabilities), so a
 * `runAsUser: 1000` container has none — it binds port 80 only with the pod sysctl
 * `net.ipv4.ip_unprivileged_port_start`, as on a containerd node. For root the bounding set is
 * what counts: dropping NET_BIND_SERVICE or NET_RAW takes it away.
 */
export function ociCapabilities(caps: string[]): Record<string, string[]> {
  return { bounding: caps, effective: caps, permitted: caps };
}

/** The OCI `linux.seccomp` for a container (undefined: no filter); Localhost profiles are read now. */
export function ociSeccomp(choice: SeccompChoice | undefined, privileged: boolean, caps: string[]): Record<string, unknown> | undefined {
  if (privileged || !choice || choice.type === 'Unconfined') return undefined;
  if (choice.type === 'RuntimeDefault') return runtimeDefaultSeccomp(caps);
  let text: string;
  try {
    text = readFileSync(choice.path, 'utf8');
  } catch (err) {
    throw new Error(`failed to generate seccomp spec opts: cannot load seccomp profile "${choice.path}": ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`failed to generate seccomp spec opts: decoding seccomp profile failed "${choice.path}": ${(err as Error).message}`);
  }
}

/** Device nodes of the host's /dev (a privileged container sees them all). */
export function hostDevices(dir = '/dev'): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    // Mounted fresh in every container, or per-container by design.
    if (['/dev/pts', '/dev/shm', '/dev/mqueue', '/dev/fd', '/dev/console'].includes(path)) continue;
    let st;
    try {
      st = lstatSync(path, { bigint: true, throwIfNoEntry: false });
    } catch {
      continue;
    }
    if (!st) continue;
    if (st.isDirectory()) {
      out.push(...hostDevices(path));
      continue;
    }
    if (!st.isCharacterDevice() && !st.isBlockDevice()) continue;
    const rdev = st.rdev;
    const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
    const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
    out.push({ path, type: st.isCharacterDevice() ? 'c' : 'b', major, minor, fileMode: Number(st.mode & 0o777n), uid: Number(st.uid), gid: Number(st.gid) });
  }
  return out;
}
