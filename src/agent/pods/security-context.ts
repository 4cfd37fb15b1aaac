import { join } from 'node:path';
import type { KubeObject } from '../../api/types.js';
import type { ContainerSecurity } from '../runtime/container-runtime.js';
import type { SeccompChoice } from '../runtime/oci-security.js';
import { ContainerConfigError } from './env.js';

/** A pod's or container's `seccompProfile`. */
export interface SeccompProfileSpec {
  type?: 'RuntimeDefault' | 'Unconfined' | 'Localhost';
  localhostProfile?: string;
}

/** The security fields the pod level shares with the container level (the container's win). */
interface SharedSecurity {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  seccompProfile?: SeccompProfileSpec;
}

export interface PodSecurityContextSpec extends SharedSecurity {
  supplementalGroups?: number[];
  supplementalGroupsPolicy?: 'Merge' | 'Strict';
  fsGroup?: number;
  fsGroupChangePolicy?: 'OnRootMismatch' | 'Always';
  sysctls?: { name: string; value: string }[];
}

export interface ContainerSecurityContextSpec extends SharedSecurity {
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  procMount?: 'Default' | 'Unmasked';
}

/** The pod-level and container-level settings that apply to one container. */
export type EffectiveSecurityContext = PodSecurityContextSpec & ContainerSecurityContextSpec;

interface PodSpecSecurityView {
  securityContext?: PodSecurityContextSpec;
  shareProcessNamespace?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
}

/**
 * The security context a container runs with: the pod's, with every field the container sets
 * itself taking its place (the kubelet's DetermineEffectiveSecurityContext).
 *
 * @example
 * effectiveSecurityContext({ runAsUser: 1000, fsGroup: 2000 }, { runAsUser: 0 }); // { runAsUser: 0, fsGroup: 2000 }
 */
export function effectiveSecurityContext(pod: PodSecurityContextSpec | undefined, container: ContainerSecurityContextSpec | undefined): EffectiveSecurityContext {
  const out: EffectiveSecurityContext = { ...(pod ?? {}) };
  for (const [k, v] of Object.entries(container ?? {})) if (v !== undefined && v !== null) (out as Record<string, unknown>)[k] = v;
  return out;
}

function seccompChoice(profile: SeccompProfileSpec | undefined, seccompDir: string): SeccompChoice {
  switch (profile?.type) {
    case 'RuntimeDefault':
      return { type: 'RuntimeDefault' };
    case 'Localhost': {
      const name = profile.localhostProfile ?? '';
      // The API rejects these; an agent never reads outside its profile folder.
      if (!name || name.split('/').includes('..') || name.startsWith('/')) throw new ContainerConfigError(`invalid localhostProfile ${JSON.stringify(name)}`);
      return { type: 'Localhost', path: join(seccompDir, name) };
    }
    default:
      // Kubernetes' default without --seccomp-default on the kubelet.
      return { type: 'Unconfined' };
  }
}

/**
 * The runtime's security settings for one container of a pod: privileges, capabilities,
 * read-only root, no_new_privs, seccomp (Localhost profiles under `seccompDir`), /proc masking,
 * sysctls and which PID and IPC namespaces it joins.
 *
 * @example
 * containerSecurity(pod, pod.spec.containers[0], '/var/lib/k8ts/agent/seccomp');
 * // { privileged: false, capDrop: ['NET_RAW'], seccomp: { type: 'RuntimeDefault' }, pidNamespace: 'container', … }
 */
export function containerSecurity(pod: KubeObject, container: { securityContext?: ContainerSecurityContextSpec }, seccompDir: string): ContainerSecurity {
  const spec = (pod.spec ?? {}) as PodSpecSecurityView;
  const sc = effectiveSecurityContext(spec.securityContext, container.securityContext);
  const sysctls = Object.fromEntries((spec.securityContext?.sysctls ?? []).map((s) => [normalizeSysctlName(s.name), s.value]));
  return {
    privileged: sc.privileged === true,
    readOnlyRootFilesystem: sc.readOnlyRootFilesystem === true,
    // Only an explicit false sets no_new_privs (the kubelet's AddNoNewPrivileges).
    noNewPrivileges: sc.allowPrivilegeEscalation === false,
    capAdd: sc.capabilities?.add ?? [],
    capDrop: sc.capabilities?.drop ?? [],
    seccomp: seccompChoice(sc.seccompProfile, seccompDir),
    unmaskedProc: sc.procMount === 'Unmasked',
    sysctls,
    pidNamespace: spec.hostPID ? 'node' : spec.shareProcessNamespace ? 'pod' : 'container',
    hostIPC: spec.hostIPC === true,
  };
}

/** `kernel/shm_rmid_forced` and `kernel.shm_rmid_forced` name the same sysctl (the kubelet's NormalizeName). */
export function normalizeSysctlName(name: string): string {
  const firstSep = name.search(/[./]/);
  if (firstSep < 0 || name[firstSep] === '.') return name;
  // Slash-separated: slashes become dots and dots become slashes.
  return name.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}
