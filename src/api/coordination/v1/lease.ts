import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, forbidden, invalid, notSupported } from '../../validation/field-errors.js';
import { ageColumn, nameColumn } from '../../common/columns.js';

interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number | null;
  leaseTransitions?: number | null;
  strategy?: string | null;
  preferredHolder?: string | null;
}

function specOf(obj: KubeObject): LeaseSpec {
  return (obj.spec !== null && typeof obj.spec === 'object' ? obj.spec : {}) as LeaseSpec;
}

/** ValidateLeaseSpec. Strategies without a domain prefix must be Kubernetes-defined ones. */
export function validateLease(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0) {
    errs.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (typeof spec.leaseTransitions === 'number' && spec.leaseTransitions < 0) {
    errs.push(invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  if (typeof spec.strategy === 'string' && !spec.strategy.includes('/') && spec.strategy !== 'OldestEmulationVersion') {
    errs.push(notSupported('spec.strategy', spec.strategy, ['OldestEmulationVersion']));
  }
  if (spec.preferredHolder && !spec.strategy) {
    errs.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

export const leases: ResourceDefinition = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  protobufMessage: 'k8s.io.api.coordination.v1.Lease',
  validate: validateLease,
  columns: [
    nameColumn,
    { name: 'Holder', type: 'string', description: 'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.' },
    ageColumn,
  ],
  cells: (obj, now) => [obj.metadata.name, specOf(obj).holderIdentity ?? '', age(obj.metadata.creationTimestamp, now)],
};
