/** The scale subresource of the replicated workloads: spec.replicas, status.replicas, selector. */
import type { ScaleMapping } from '../../../apiserver/registry/resource.js';
import type { LabelSelector } from '../../types.js';
import { selectorString } from '../../common/label-selector.js';
import { specOf, statusOf } from './types.js';

interface Replicated {
  replicas?: number;
  selector?: LabelSelector | null;
}

export const replicasScale: ScaleMapping = {
  specReplicas: (obj) => specOf<Replicated>(obj).replicas ?? 0,
  setSpecReplicas: (obj, replicas) => {
    specOf<Replicated>(obj).replicas = replicas;
  },
  statusReplicas: (obj) => statusOf<{ replicas: number }>(obj).replicas ?? 0,
  // Scale carries LabelSelectorAsSelector(...).String(), e.g. `app=web`.
  selector: (obj) => selectorString(specOf<Replicated>(obj).selector),
};
