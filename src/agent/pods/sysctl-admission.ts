import type { KubeObject } from '../../api/types.js';
import { normalizeSysctlName } from './security-context.js';

/** The kubelet refuses a pod before running anything of it (its admit handlers). */
export type PodAdmission = { admit: true } | { admit: false; reason: string; message: string };

/**
 * The sysctls the kubelet allows without `--allowed-unsafe-sysctls`, with the namespace each
 * lives in (a pod on the host's network or IPC namespace may not set them).
 */
const safeSysctls: Record<string, 'net' | 'ipc'> = {
  'kernel.shm_rmid_forced': 'ipc',
  'net.ipv4.ip_local_port_range': 'net',
  'net.ipv4.tcp_syncookies': 'net',
  'net.ipv4.ping_group_range': 'net',
  'net.ipv4.ip_unprivileged_port_start': 'net',
  'net.ipv4.ip_local_reserved_ports': 'net',
  'net.ipv4.tcp_keepalive_time': 'net',
  'net.ipv4.tcp_fin_timeout': 'net',
  'net.ipv4.tcp_keepalive_intvl': 'net',
  'net.ipv4.tcp_keepalive_probes': 'net',
  'net.ipv4.tcp_rmem': 'net',
  'net.ipv4.tcp_wmem': 'net',
};

/**
 * The kubelet's sysctl admit handler: a pod asking for a sysctl outside the safe set is
 * rejected with reason `SysctlForbidden` (the pod ends `Failed`, nothing runs).
 *
 * @example
 * admitSysctls({ metadata: {}, spec: { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } } });
 * // { admit: false, reason: 'SysctlForbidden', message: 'forbidden sysctl: "kernel.msgmax" not allowlisted' }
 */
export function admitSysctls(pod: KubeObject): PodAdmission {
  const spec = (pod.spec ?? {}) as { hostNetwork?: boolean; hostIPC?: boolean; securityContext?: { sysctls?: { name: string }[] } };
  for (const s of spec.securityContext?.sysctls ?? []) {
    const name = normalizeSysctlName(s.name);
    const ns = safeSysctls[name];
    let problem: string | undefined;
    if (!ns) problem = `${JSON.stringify(name)} not allowlisted`;
    else if ((ns === 'net' && spec.hostNetwork) || (ns === 'ipc' && spec.hostIPC)) problem = `${JSON.stringify(name)} not allowed with host ${ns} enabled`;
    if (problem) return { admit: false, reason: 'SysctlForbidden', message: `forbidden sysctl: ${problem}` };
  }
  return { admit: true };
}
