import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, forbidden, invalid, notSupported, required } from '../../validation/field-errors.js';
import { nonNegative } from '../../common/checks.js';
import { ageColumn, containerCells, containersColumn, imagesColumn, nameColumn, selectorColumn } from '../../common/columns.js';
import { goIntOrString, goLabelSelector, invalidRendered } from '../../common/go-format.js';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from '../../common/int-or-string.js';
import { selectorInvalid, selectorString } from '../../common/label-selector.js';
import { semanticEqual } from '../../common/semantic.js';
import { replicasScale } from './scale.js';
import { defaultPodTemplateSpec, validateReplicaSetTemplate, validateRequiredSelector } from './template.js';
import { type DeploymentSpec, type DeploymentStatus, specOf, statusOf } from './types.js';

/** SetDefaults_Deployment: one replica, RollingUpdate 25%/25%, history 10, deadline 600s. */
export function defaultDeployment(obj: KubeObject): void {
  const spec = specOf<DeploymentSpec>(obj);
  spec.replicas ??= 1;
  spec.strategy ??= {};
  const strategy = spec.strategy;
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    strategy.rollingUpdate ??= {};
    strategy.rollingUpdate.maxUnavailable ??= '25%';
    strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template as Record<string, unknown>);
}

function validateStrategy(strategy: DeploymentSpec['strategy'], field: string): FieldError[] {
  const type = strategy?.type ?? '';
  const ru = strategy?.rollingUpdate;
  if (type === 'Recreate') {
    return ru ? [forbidden(`${field}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (type === 'RollingUpdate') {
    if (!ru) return [required(`${field}.rollingUpdate`, 'this should be defaulted and never be nil')];
    const f = `${field}.rollingUpdate`;
    const errs = [
      ...validatePositiveIntOrPercent(ru.maxUnavailable, `${f}.maxUnavailable`),
      ...validatePositiveIntOrPercent(ru.maxSurge, `${f}.maxSurge`),
    ];
    if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
      errs.push(invalidRendered(`${f}.maxUnavailable`, goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
    }
    errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${f}.maxUnavailable`));
    return errs;
  }
  // Go prints the whole DeploymentStrategy struct here; the type is what users need to see.
  return [notSupported(field, type, ['Recreate', 'RollingUpdate'])];
}

/** ValidateDeploymentSpec. */
export function validateDeploymentSpec(spec: DeploymentSpec, field = 'spec'): FieldError[] {
  const errs = [...nonNegative(spec.replicas, `${field}.replicas`)];
  errs.push(...validateRequiredSelector(spec.selector, `${field}.selector`, 'deployment'));
  errs.push(...validateReplicaSetTemplate(spec.selector, spec.template, field));
  errs.push(...validateStrategy(spec.strategy, `${field}.strategy`));
  errs.push(...nonNegative(spec.minReadySeconds, `${field}.minReadySeconds`));
  errs.push(...nonNegative(spec.revisionHistoryLimit, `${field}.revisionHistoryLimit`));
  if (typeof spec.progressDeadlineSeconds === 'number') {
    errs.push(...nonNegative(spec.progressDeadlineSeconds, `${field}.progressDeadlineSeconds`));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(invalid(`${field}.progressDeadlineSeconds`, spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

/** apps/v1 forbids changing the selector (extensions/v1beta1 once allowed it). */
export function validateSelectorUnchanged(obj: KubeObject, old: KubeObject): FieldError[] {
  const sel = specOf<DeploymentSpec>(obj).selector;
  if (semanticEqual(sel, specOf<DeploymentSpec>(old).selector)) return [];
  return [invalidRendered('spec.selector', goLabelSelector(sel), 'field is immutable')];
}

export const deployments: ResourceDefinition = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  statusSubresource: true,
  tracksGeneration: true,
  scale: replicasScale,
  protobufMessage: 'k8s.io.api.apps.v1.Deployment',
  defaults: defaultDeployment,
  // Create starts from an empty status (every DeploymentStatus field is omitempty).
  prepareForCreate: (obj) => {
    obj.status = {};
  },
  validate: (obj) => validateDeploymentSpec(specOf<DeploymentSpec>(obj)),
  validateUpdate: validateSelectorUnchanged,
  columns: [
    nameColumn,
    { name: 'Ready', type: 'string', description: 'Number of the pod with ready state' },
    { name: 'Up-to-date', type: 'string', description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.' },
    { name: 'Available', type: 'string', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.' },
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'),
  ],
  cells: (obj, now) => {
    const spec = specOf<DeploymentSpec>(obj);
    const status = statusOf<DeploymentStatus>(obj);
    const [names, images] = containerCells(spec.template?.spec);
    const selector = selectorInvalid(spec.selector) ? '<invalid>' : selectorString(spec.selector);
    return [
      obj.metadata.name,
      `${status.readyReplicas ?? 0}/${spec.replicas ?? 0}`,
      status.updatedReplicas ?? 0,
      status.availableReplicas ?? 0,
      age(obj.metadata.creationTimestamp, now),
      names,
      images,
      selector,
    ];
  },
};
