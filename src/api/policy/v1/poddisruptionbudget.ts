import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject, LabelSelector } from '../../types.js';
import { type FieldError, invalid, notSupported } from '../../validation/field-errors.js';
import { ageColumn, nameColumn } from '../../common/columns.js';
import { intOrStringText, isNotMoreThan100Percent, validatePositiveIntOrPercent } from '../../common/int-or-string.js';
import { validateLabelSelector } from '../../common/label-selector.js';

interface PDBSpec {
  minAvailable?: number | string | null;
  maxUnavailable?: number | string | null;
  selector?: LabelSelector | null;
  unhealthyPodEvictionPolicy?: string | null;
}

function specOf(obj: KubeObject): PDBSpec {
  return (obj.spec !== null && typeof obj.spec === 'object' ? obj.spec : {}) as PDBSpec;
}

function present<T>(v: T | null | undefined): v is T {
  return v !== undefined && v !== null;
}

/** ValidatePodDisruptionBudgetSpec. */
export function validatePDB(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  // Upstream prints the whole spec struct here; JSON is the readable equivalent.
  if (present(spec.minAvailable) && present(spec.maxUnavailable)) {
    errs.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const key of ['minAvailable', 'maxUnavailable'] as const) {
    const v = spec[key];
    if (!present(v)) continue;
    errs.push(...validatePositiveIntOrPercent(v, `spec.${key}`), ...isNotMoreThan100Percent(v, `spec.${key}`));
  }
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (present(policy) && policy !== 'AlwaysAllow' && policy !== 'IfHealthyBudget') {
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, ['AlwaysAllow', 'IfHealthyBudget']));
  }
  return errs;
}

export const podDisruptionBudgets: ResourceDefinition = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  namespaced: true,
  shortNames: ['pdb'],
  statusSubresource: true,
  tracksGeneration: true,
  protobufMessage: 'k8s.io.api.policy.v1.PodDisruptionBudget',
  // The four counters are not omitempty, so a new PDB shows them as zero.
  prepareForCreate: (obj) => {
    obj.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
  validate: validatePDB,
  columns: [
    nameColumn,
    { name: 'Min Available', type: 'string', description: 'The minimum number of pods that must be available.' },
    { name: 'Max Unavailable', type: 'string', description: 'The maximum number of pods that may be unavailable.' },
    { name: 'Allowed Disruptions', type: 'integer', description: 'Calculated number of pods that may be disrupted at this time.' },
    ageColumn,
  ],
  cells: (obj, now) => {
    const spec = specOf(obj);
    const status = (obj.status ?? {}) as { disruptionsAllowed?: number };
    return [
      obj.metadata.name,
      present(spec.minAvailable) ? intOrStringText(spec.minAvailable) : 'N/A',
      present(spec.maxUnavailable) ? intOrStringText(spec.maxUnavailable) : 'N/A',
      status.disruptionsAllowed ?? 0,
      age(obj.metadata.creationTimestamp, now),
    ];
  },
};
