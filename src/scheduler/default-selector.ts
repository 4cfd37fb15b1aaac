import type { KubeObject, LabelSelector } from '../api/types.js';
import type { Informer } from '../client/informer.js';
import { namespaceIndex } from '../client/informer-factory.js';
import type { PodInfo } from './framework/pod-info.js';
import { compileLabelSelector, type LabelMatcher, selectorKey } from './framework/selectors.js';

interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  controller?: boolean;
}

/**
 * DefaultSelector: what selects a pod for default spreading — the selectors of the Services
 * selecting it, merged with its controlling ReplicationController's, ReplicaSet's or
 * StatefulSet's selector. Undefined when nothing selects the pod.
 */
export function defaultSpreadSelector(
  pod: PodInfo,
  informers: { services?: Informer; replicationControllers?: Informer; replicaSets?: Informer; statefulSets?: Informer },
): { matcher: LabelMatcher; key: string } | undefined {
  const matchLabels: Record<string, string> = {};
  for (const svc of informers.services?.byIndex(namespaceIndex, pod.namespace) ?? []) {
    const sel = (svc.spec as { selector?: Record<string, string> } | undefined)?.selector;
    if (!sel || Object.keys(sel).length === 0) continue;
    if (Object.entries(sel).every(([k, v]) => pod.labels[k] === v)) Object.assign(matchLabels, sel);
  }
  let expressions: LabelSelector['matchExpressions'] = [];
  const owner = (pod.pod.metadata.ownerReferences as OwnerRef[] | undefined)?.find((r) => r.controller);
  const get = (inf: Informer | undefined): KubeObject | undefined => inf?.get(`${pod.namespace}/${owner!.name}`);
  if (owner?.kind === 'ReplicationController' && owner.apiVersion === 'v1') {
    const rc = get(informers.replicationControllers);
    Object.assign(matchLabels, (rc?.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {});
  } else if (owner && owner.apiVersion === 'apps/v1' && (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet')) {
    const obj = get(owner.kind === 'ReplicaSet' ? informers.replicaSets : informers.statefulSets);
    const sel = (obj?.spec as { selector?: LabelSelector } | undefined)?.selector;
    if (sel) {
      Object.assign(matchLabels, sel.matchLabels ?? {});
      expressions = [...(sel.matchExpressions ?? [])];
    }
  }
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return undefined;
  const selector: LabelSelector = { matchLabels, matchExpressions: expressions };
  return { matcher: compileLabelSelector(selector), key: selectorKey(selector) };
}
