import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import type { FieldError } from '../../validation/field-errors.js';
import { nonNegative } from '../../common/checks.js';
import { ageColumn, containerCells, containersColumn, imagesColumn, nameColumn, selectorColumn } from '../../common/columns.js';
import { formatSelector } from '../../common/label-selector.js';
import { validateSelectorUnchanged } from './deployment.js';
import { replicasScale } from './scale.js';
import { defaultPodTemplateSpec, validateReplicaSetTemplate, validateRequiredSelector } from './template.js';
import { type ReplicaSetSpec, specOf, statusOf } from './types.js';

/** SetDefaults_ReplicaSet: one replica, plus the pod template defaults. */
export function defaultReplicaSet(obj: KubeObject): void {
  const spec = specOf<ReplicaSetSpec>(obj);
  spec.replicas ??= 1;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template as Record<string, unknown>);
}

/** ValidateReplicaSetSpec (its empty-selector message says "deployment", as upstream's does). */
export function validateReplicaSetSpec(spec: ReplicaSetSpec, field = 'spec'): FieldError[] {
  return [
    ...nonNegative(spec.replicas, `${field}.replicas`),
    ...nonNegative(spec.minReadySeconds, `${field}.minReadySeconds`),
    ...validateRequiredSelector(spec.selector, `${field}.selector`, 'deployment'),
    ...validateReplicaSetTemplate(spec.selector, spec.template, field),
  ];
}

interface ReplicaSetStatus {
  replicas: number;
  readyReplicas: number;
}

export const replicaSets: ResourceDefinition = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  statusSubresource: true,
  tracksGeneration: true,
  scale: replicasScale,
  protobufMessage: 'k8s.io.api.apps.v1.ReplicaSet',
  defaults: defaultReplicaSet,
  // status.replicas is not omitempty, so an empty status still shows it.
  prepareForCreate: (obj) => {
    obj.status = { replicas: 0 };
  },
  validate: (obj) => validateReplicaSetSpec(specOf<ReplicaSetSpec>(obj)),
  validateUpdate: validateSelectorUnchanged,
  columns: [
    nameColumn,
    { name: 'Desired', type: 'integer', description: 'Replicas is the number of desired pods.' },
    { name: 'Current', type: 'integer', description: 'Replicas is the most recently observed number of replicas.' },
    { name: 'Ready', type: 'integer', description: 'The number of ready replicas for this replica set.' },
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('Selector is a label query over pods that should match the replica count.'),
  ],
  cells: (obj, now) => {
    const spec = specOf<ReplicaSetSpec>(obj);
    const status = statusOf<ReplicaSetStatus>(obj);
    const [names, images] = containerCells(spec.template?.spec);
    return [
      obj.metadata.name,
      spec.replicas ?? 0,
      status.replicas ?? 0,
      status.readyReplicas ?? 0,
      age(obj.metadata.creationTimestamp, now),
      names,
      images,
      formatSelector(spec.selector),
    ];
  },
  fieldSelectors: {
    'status.replicas': (obj) => String(statusOf<ReplicaSetStatus>(obj).replicas ?? 0),
  },
};
