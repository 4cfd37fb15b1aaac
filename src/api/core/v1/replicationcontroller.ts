import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age, formatLabels } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, forbidden, invalid, notSupported, required } from '../../validation/field-errors.js';
import { validateLabels } from '../../validation/object-meta.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { type JsonObject, ensureObject, goStringMap, isObject, objectOr, objectsOf } from './json.js';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from './pod-spec.js';

function labelsOf(value: unknown): Record<string, string> {
  return isObject(value) ? (value as Record<string, string>) : {};
}

/** SetDefaults_ReplicationController: selector and labels come from the template's labels. */
function defaultRC(obj: KubeObject): void {
  const spec = ensureObject(obj, 'spec');
  const template = isObject(spec.template) ? spec.template : undefined;
  const templateLabels = template ? objectOr(template.metadata).labels : undefined;
  if (isObject(templateLabels)) {
    if (Object.keys(labelsOf(spec.selector)).length === 0) spec.selector = { ...templateLabels };
    if (Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...(templateLabels as Record<string, string>) };
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (template) defaultPodTemplateSpec(template);
}

function nonNegative(value: unknown, field: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(field, value, 'must be greater than or equal to 0')] : [];
}

function validateRC(obj: KubeObject): FieldError[] {
  const spec = objectOr(obj.spec);
  const errs: FieldError[] = [...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds')];
  const selector = labelsOf(spec.selector);
  if (Object.keys(selector).length === 0) errs.push(required('spec.selector'));
  else errs.push(...validateLabels(selector, 'spec.selector'));
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  if (!isObject(spec.template)) {
    errs.push(required('spec.template'));
    return errs;
  }
  const template: JsonObject = spec.template;
  const templateLabels = labelsOf(objectOr(template.metadata).labels);
  const matches = Object.entries(selector).every(([k, v]) => templateLabels[k] === v);
  if (Object.keys(selector).length > 0 && !matches) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.template.metadata.labels',
      message: `Invalid value: ${goStringMap(templateLabels)}: selector does not match template labels`,
    });
  }
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  const podSpec = objectOr(template.spec);
  if (podSpec.restartPolicy !== undefined && podSpec.restartPolicy !== 'Always') {
    errs.push(notSupported('spec.template.spec.restartPolicy', podSpec.restartPolicy, ['Always']));
  }
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

function layoutContainers(obj: KubeObject): [string, string] {
  const containers = objectsOf(objectOr(objectOr(objectOr(obj.spec).template).spec).containers);
  return [containers.map((c) => String(c.name ?? '')).join(','), containers.map((c) => String(c.image ?? '')).join(',')];
}

export const replicationControllers: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
  statusSubresource: true,
  tracksGeneration: true,
  protobufMessage: 'k8s.io.api.core.v1.ReplicationController',
  scale: {
    specReplicas: (obj) => Number(objectOr(obj.spec).replicas ?? 1),
    setSpecReplicas: (obj, replicas) => {
      ensureObject(obj, 'spec').replicas = replicas;
    },
    statusReplicas: (obj) => Number(objectOr(obj.status).replicas ?? 0),
    selector: (obj) => {
      const s = formatLabels(labelsOf(objectOr(obj.spec).selector));
      return s === '<none>' ? '' : s;
    },
  },
  defaults: defaultRC,
  prepareForCreate(obj) {
    // The controller reports status; replicas is always present in a v1 RC status.
    obj.status = { replicas: 0 };
  },
  validate: validateRC,
  columns: [
    nameColumn,
    column('Desired', 'Replicas is the number of desired replicas.', false, 'integer'),
    column('Current', 'Replicas is the most recently observed number of replicas.', false, 'integer'),
    column('Ready', 'The number of ready replicas for this replication controller.', false, 'integer'),
    ageColumn,
    column('Containers', 'Names of each container in the template.', true),
    column('Images', 'Images referenced by each container in the template.', true),
    column('Selector', 'Selector is a label query over pods that should match the Replicas count.', true),
  ],
  cells(obj, now) {
    const spec = objectOr(obj.spec);
    const status = objectOr(obj.status);
    const [names, images] = layoutContainers(obj);
    return [
      obj.metadata.name,
      Number(spec.replicas ?? 0),
      Number(status.replicas ?? 0),
      Number(status.readyReplicas ?? 0),
      age(obj.metadata.creationTimestamp, now),
      names,
      images,
      formatLabels(labelsOf(spec.selector)),
    ];
  },
  fieldSelectors: { 'status.replicas': (o) => String(objectOr(o.status).replicas ?? 0) },
};
