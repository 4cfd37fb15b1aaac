import type { KubeObject } from '../../api/types.js';
import { type FieldError, notSupported, required } from '../../api/validation/field-errors.js';
import type { Store } from '../../storage/store.js';
import { rfc3339, type Clock } from '../../util/clock.js';
import { ApiError } from '../errors.js';
import type { GenericStore } from '../registry/generic-store.js';
import { updatePodCondition } from './pod-conditions.js';
import { updateStoredObject } from './stored-update.js';

/** A core/v1 Binding: which node a pod goes to. */
export interface Binding {
  metadata?: { name?: string; uid?: string; annotations?: Record<string, string> };
  target?: { kind?: string; name?: string; namespace?: string; apiVersion?: string };
}

/** ValidatePodBinding: the target names a Node. */
export function validateBinding(binding: Binding): FieldError[] {
  const errs: FieldError[] = [];
  const kind = binding.target?.kind ?? '';
  if (kind !== '' && kind !== 'Node') errs.push(notSupported('target.kind', kind, ['Node', '<empty>']));
  if (!binding.target?.name) errs.push(required('target.name'));
  return errs;
}

const bindingResource = { group: '', resource: 'pods/binding' };

/**
 * Assigns a pod to a node (BindingREST.assignPod): sets spec.nodeName if it is unset, merges
 * the binding's annotations and marks PodScheduled=True. A pod already on a node or being
 * deleted is a 409 Conflict on `pods/binding`, as in Kubernetes. Writes through the raw
 * storage because nodeName is immutable to ordinary updates.
 *
 * @example
 * await bindPod({ storage, pods, clock }, 'default', 'web', { target: { kind: 'Node', name: 'n1' } });
 */
export async function bindPod(
  deps: { storage: Store; pods: GenericStore; clock: Clock },
  ns: string,
  name: string,
  binding: Binding,
): Promise<KubeObject> {
  const errs = validateBinding(binding);
  if (errs.length) throw ApiError.invalid({ group: '', kind: 'Binding' }, name, errs);
  const node = binding.target!.name!;
  const now = rfc3339(deps.clock.now());
  return updateStoredObject(deps.storage, deps.pods, ns, name, (pod) => {
    const uid = binding.metadata?.uid;
    if (uid && uid !== pod.metadata.uid) {
      throw ApiError.conflict(bindingResource, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid}`);
    }
    if (pod.metadata.deletionTimestamp) throw ApiError.conflict(bindingResource, name, `pod ${name} is being deleted, cannot be assigned to a host`);
    const spec = (pod.spec ?? {}) as Record<string, unknown>;
    if (spec.nodeName) throw ApiError.conflict(bindingResource, name, `pod ${name} is already assigned to node "${String(spec.nodeName)}"`);
    spec.nodeName = node;
    pod.spec = spec;
    const annotations = binding.metadata?.annotations;
    if (annotations && Object.keys(annotations).length) pod.metadata.annotations = { ...pod.metadata.annotations, ...annotations };
    const status = (pod.status ?? {}) as Record<string, unknown>;
    updatePodCondition(status, { type: 'PodScheduled', status: 'True' }, now);
    pod.status = status;
    return pod;
  });
}
