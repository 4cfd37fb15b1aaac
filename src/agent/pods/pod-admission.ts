import type { KubeObject } from '../../api/types.js';
import { admitAppArmor } from './apparmor-admission.js';
import { admitSysctls, type PodAdmission } from './sysctl-admission.js';

export type { PodAdmission } from './sysctl-admission.js';

/**
 * The kubelet's admit handlers this agent has, in the kubelet's order: the first refusal
 * wins and the pod never runs (phase `Failed`, the handler's reason).
 *
 * @example
 * const a = admitPod(pod);
 * if (!a.admit) statuses.set(pod, syncer.reject(pod, a.reason, a.message));
 */
export function admitPod(pod: KubeObject): PodAdmission {
  for (const handler of [admitSysctls, (p: KubeObject) => admitAppArmor(p)]) {
    const result = handler(pod);
    if (!result.admit) return result;
  }
  return { admit: true };
}
