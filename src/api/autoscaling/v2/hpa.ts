import type { ColumnDefinition, ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { ageColumn, nameColumn } from '../../common/columns.js';
import { defaultHPA } from './defaults.js';
import { formatHPAMetrics } from './targets.js';
import type { HPASpecV2, HPAStatusV2 } from './types.js';
import { validateHPA } from './validation.js';

/** The HPA columns; autoscaling/v1 serves the same table (printed from the shared form). */
export const hpaColumns: ColumnDefinition[] = [
  nameColumn,
  { name: 'Reference', type: 'string', description: 'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.' },
  { name: 'Targets', type: 'string', description: 'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).' },
  { name: 'MinPods', type: 'string', description: 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.' },
  { name: 'MaxPods', type: 'string', description: 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.' },
  { name: 'Replicas', type: 'string', description: 'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.' },
  ageColumn,
];

/** One row, from an HPA in the autoscaling/v2 form. */
export function hpaCells(obj: KubeObject, now: number): unknown[] {
  const spec = (obj.spec ?? {}) as HPASpecV2;
  const status = (obj.status ?? {}) as HPAStatusV2;
  const ref = spec.scaleTargetRef ?? {};
  return [
    obj.metadata.name,
    `${ref.kind ?? ''}/${ref.name ?? ''}`,
    formatHPAMetrics(spec.metrics ?? [], status.currentMetrics ?? []),
    typeof spec.minReplicas === 'number' ? String(spec.minReplicas) : '<unset>',
    spec.maxReplicas ?? 0,
    status.currentReplicas ?? 0,
    age(obj.metadata.creationTimestamp, now),
  ];
}

export const horizontalPodAutoscalersV2: ResourceDefinition = {
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  statusSubresource: true,
  protobufMessage: 'k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler',
  defaults: defaultHPA,
  // desiredReplicas and currentMetrics are not omitempty in v2.
  prepareForCreate: (obj) => {
    obj.status = { currentMetrics: null, desiredReplicas: 0 };
  },
  validate: validateHPA,
  columns: hpaColumns,
  cells: hpaCells,
};
