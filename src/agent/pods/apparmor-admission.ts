import { readFileSync } from 'node:fs';
import type { KubeObject } from '../../api/types.js';
import type { PodAdmission } from './sysctl-admission.js';

interface AppArmorProfile {
  type?: 'RuntimeDefault' | 'Unconfined' | 'Localhost';
}

interface ContainerLike {
  name: string;
  securityContext?: { appArmorProfile?: AppArmorProfile };
}

const annotationPrefix = 'container.apparmor.security.beta.kubernetes.io/';

/** Is AppArmor on in this kernel (what the kubelet checks)? */
export function hostAppArmorEnabled(): boolean {
  try {
    return readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim().startsWith('Y');
  } catch {
    return false;
  }
}

/** Does any container ask for confinement: its field, else its annotation, else the pod's field? */
function requestsAppArmor(pod: KubeObject): boolean {
  const spec = (pod.spec ?? {}) as { securityContext?: { appArmorProfile?: AppArmorProfile }; containers?: ContainerLike[]; initContainers?: ContainerLike[]; ephemeralContainers?: ContainerLike[] };
  const annotations = pod.metadata.annotations ?? {};
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    const field = c.securityContext?.appArmorProfile?.type;
    const annotation = annotations[annotationPrefix + c.name];
    const type = field ?? (annotation !== undefined ? (annotation === 'unconfined' ? 'Unconfined' : 'Confined') : spec.securityContext?.appArmorProfile?.type);
    if (type !== undefined && type !== 'Unconfined') return true;
  }
  return false;
}

/**
 * The kubelet's AppArmor admit handler: a pending pod that asks for an AppArmor profile on a
 * node whose kernel has AppArmor off is rejected (reason `AppArmor`). k8ts does not load or
 * apply AppArmor profiles itself; on a node with AppArmor on, such pods run unconfined.
 *
 * @example
 * admitAppArmor(pod, false); // { admit: false, reason: 'AppArmor', message: 'Cannot enforce AppArmor: AppArmor is not enabled on the host' }
 */
export function admitAppArmor(pod: KubeObject, hostEnabled: boolean = hostAppArmorEnabled()): PodAdmission {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (phase !== undefined && phase !== 'Pending') return { admit: true };
  if (!requestsAppArmor(pod) || hostEnabled) return { admit: true };
  return { admit: false, reason: 'AppArmor', message: 'Cannot enforce AppArmor: AppArmor is not enabled on the host' };
}
