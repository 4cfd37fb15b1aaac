import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import type { KubeObject } from '../../types.js';
import { hpaCells, hpaColumns } from '../v2/hpa.js';
import { validateHPA } from '../v2/validation.js';
import { hpaConversion, hpaFromV1 } from './conversion.js';

/** SetDefaults_HorizontalPodAutoscaler (v1): one replica minimum, no default CPU target. */
function defaultV1(obj: KubeObject): void {
  if (obj.spec === null || typeof obj.spec !== 'object') obj.spec = {};
  (obj.spec as { minReplicas?: number }).minReplicas ??= 1;
}

/** autoscaling/v1 HPAs: validated, printed and stored in their v2 form. */
export const horizontalPodAutoscalersV1: ResourceDefinition = {
  group: 'autoscaling',
  version: 'v1',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  statusSubresource: true,
  protobufMessage: 'k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler',
  conversion: hpaConversion,
  defaults: defaultV1,
  // Both counters are required fields in v1.
  prepareForCreate: (obj) => {
    obj.status = { currentReplicas: 0, desiredReplicas: 0 };
  },
  // Upstream validates the internal (v2-shaped) object, so errors name v2 paths.
  validate: (obj) => validateHPA(hpaFromV1(obj)),
  columns: hpaColumns,
  cells: (obj, now) => hpaCells(hpaFromV1(obj), now),
};
