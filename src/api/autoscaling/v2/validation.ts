/** ValidateHorizontalPodAutoscaler (autoscaling/v2 form; v1 requests are checked in this form too). */
import type { KubeObject } from '../../types.js';
import { type FieldError, forbidden, invalid, notSupported, required } from '../../validation/field-errors.js';
import { isDNS1123Label, isQualifiedName, isValidPathSegmentName } from '../../validation/names.js';
import { tryParseQuantity } from '../../quantity.js';
import { validateLabelSelector } from '../../common/label-selector.js';
import type { CrossVersionObjectReference, HPAScalingRules, HPASpecV2, MetricIdentifier, MetricSpec, MetricTarget } from './types.js';

const maxPeriodSeconds = 1800;
const maxStabilizationWindowSeconds = 3600;
const metricSourceTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const standardContainerResources = ['cpu', 'memory', 'ephemeral-storage'];

/** schema.ParseGroupVersion, then (unless allowed) a non-empty group. */
function apiVersionError(apiVersion: string, allowEmptyGroup: boolean): string | undefined {
  if (apiVersion === '') return allowEmptyGroup ? undefined : 'apiVersion must specify API group';
  const parts = apiVersion.split('/');
  if (parts.length > 2) return `unexpected GroupVersion string: ${apiVersion}`;
  const group = parts.length === 2 ? parts[0] : '';
  return !allowEmptyGroup && !group ? 'apiVersion must specify API group' : undefined;
}

export function validateCrossVersionReference(ref: CrossVersionObjectReference, field: string, allowEmptyGroup: boolean): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['kind', 'name'] as const) {
    const v = ref[key] ?? '';
    if (!v) errs.push(required(`${field}.${key}`));
    else for (const m of isValidPathSegmentName(v)) errs.push(invalid(`${field}.${key}`, v, m));
  }
  const err = apiVersionError(ref.apiVersion ?? '', allowEmptyGroup);
  if (err) errs.push(invalid(`${field}.apiVersion`, ref.apiVersion ?? '', err));
  return errs;
}

function positive(q: string | undefined): boolean {
  const parsed = tryParseQuantity(q);
  return !!parsed && parsed.nanos > 0n;
}

function validateTarget(t: MetricTarget, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!t.type) errs.push(required(`${field}.type`, 'must specify a metric target type'));
  if (t.type !== 'Utilization' && t.type !== 'Value' && t.type !== 'AverageValue') {
    errs.push(invalid(`${field}.type`, t.type ?? '', 'must be either Utilization, Value, or AverageValue'));
  }
  if (t.value !== undefined && t.value !== null && !positive(t.value)) errs.push(invalid(`${field}.value`, t.value, 'must be positive'));
  if (t.averageValue !== undefined && t.averageValue !== null && !positive(t.averageValue)) {
    errs.push(invalid(`${field}.averageValue`, t.averageValue, 'must be positive'));
  }
  if (typeof t.averageUtilization === 'number' && t.averageUtilization < 1) {
    errs.push(invalid(`${field}.averageUtilization`, t.averageUtilization, 'must be greater than 0'));
  }
  return errs;
}

function validateIdentifier(id: MetricIdentifier | undefined, field: string): FieldError[] {
  const name = id?.name ?? '';
  const errs: FieldError[] = [];
  if (!name) errs.push(required(`${field}.name`, 'must specify a metric name'));
  else for (const m of isValidPathSegmentName(name)) errs.push(invalid(`${field}.name`, name, m));
  errs.push(...validateLabelSelector(id?.selector, `${field}.selector`));
  return errs;
}

function validateResourceName(name: string, field: string): FieldError[] {
  if (!name) return [required(field, 'must specify a resource name')];
  if (name.includes('/')) return isQualifiedName(name).map((m) => invalid(field, name, m));
  const standard = standardContainerResources.includes(name) || name.startsWith('hugepages-');
  return standard ? [] : [invalid(field, name, 'must be a standard resource for containers')];
}

/** Resource and ContainerResource targets: utilization or raw average value, not both. */
function validateResourceTarget(t: MetricTarget, field: string): FieldError[] {
  const errs = validateTarget(t, `${field}.target`);
  const hasUtil = typeof t.averageUtilization === 'number';
  const hasValue = t.averageValue !== undefined && t.averageValue !== null;
  if (!hasUtil && !hasValue) errs.push(required(`${field}.target.averageUtilization`, 'must set either a target raw value or a target utilization'));
  if (hasUtil && hasValue) errs.push(forbidden(`${field}.target.averageValue`, 'may not set both a target raw value and a target utilization'));
  return errs;
}

function validateSource(spec: MetricSpec, kind: string, field: string): FieldError[] {
  switch (kind) {
    case 'object': {
      const src = spec.object!;
      const t = src.target ?? {};
      const errs = [
        ...validateCrossVersionReference(src.describedObject ?? {}, `${field}.describedObject`, true),
        ...validateIdentifier(src.metric, `${field}.metric`),
        ...validateTarget(t, `${field}.target`),
      ];
      if (t.value === undefined && t.averageValue === undefined) {
        errs.push(required(`${field}.target.averageValue`, 'must set either a target value or averageValue'));
      }
      return errs;
    }
    case 'external': {
      const src = spec.external!;
      const t = src.target ?? {};
      const errs = [...validateIdentifier(src.metric, `${field}.metric`), ...validateTarget(t, `${field}.target`)];
      if (t.value === undefined && t.averageValue === undefined) {
        errs.push(required(`${field}.target.averageValue`, 'must set either a target value for metric or a per-pod target'));
      }
      if (t.value !== undefined && t.averageValue !== undefined) {
        errs.push(forbidden(`${field}.target.value`, 'may not set both a target value for metric and a per-pod target'));
      }
      return errs;
    }
    case 'pods': {
      const src = spec.pods!;
      const t = src.target ?? {};
      const errs = [...validateIdentifier(src.metric, `${field}.metric`), ...validateTarget(t, `${field}.target`)];
      if (t.averageValue === undefined) errs.push(required(`${field}.target.averageValue`, 'must specify a positive target averageValue'));
      return errs;
    }
    case 'resource':
      return [...validateResourceName(spec.resource!.name ?? '', `${field}.name`), ...validateResourceTarget(spec.resource!.target ?? {}, field)];
    default: {
      const src = spec.containerResource!;
      const errs = validateResourceName(src.name ?? '', `${field}.name`);
      const container = src.container ?? '';
      if (!container) errs.push(required(`${field}.container`, 'must specify a container'));
      else for (const m of isDNS1123Label(container)) errs.push(invalid(`${field}.container`, container, m));
      return [...errs, ...validateResourceTarget(src.target ?? {}, field)];
    }
  }
}

const sourceKeys: Record<string, keyof MetricSpec> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  ContainerResource: 'containerResource',
  External: 'external',
};

function validateMetric(spec: MetricSpec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = spec.type ?? '';
  if (!type) errs.push(required(`${field}.type`, 'must specify a metric source type'));
  if (!metricSourceTypes.includes(type)) errs.push(notSupported(`${field}.type`, type, metricSourceTypes));
  // Only the first source present is validated, like upstream.
  const present = (['object', 'external', 'pods', 'resource', 'containerResource'] as const).filter((k) => spec[k]);
  if (present.length) errs.push(...validateSource(spec, present[0]!, `${field}.${present[0]}`));
  const expected = sourceKeys[type];
  if (expected && !spec[expected]) errs.push(required(`${field}.${expected}`, 'must populate information for the given metric source'));
  if (present.length !== 1) {
    for (const k of present) if (k !== expected) errs.push(forbidden(`${field}.${k}`, 'must populate the given metric source only'));
  }
  return errs;
}

function validateRules(rules: HPAScalingRules | null | undefined, field: string): FieldError[] {
  if (!rules) return [];
  const errs: FieldError[] = [];
  const window = rules.stabilizationWindowSeconds;
  if (typeof window === 'number' && window < 0) {
    errs.push(invalid(`${field}.stabilizationWindowSeconds`, window, 'must be greater than or equal to zero'));
  }
  if (typeof window === 'number' && window > maxStabilizationWindowSeconds) {
    errs.push(invalid(`${field}.stabilizationWindowSeconds`, window, `must be less than or equal to ${maxStabilizationWindowSeconds}`));
  }
  if (typeof rules.selectPolicy === 'string' && !['Disabled', 'Max', 'Min'].includes(rules.selectPolicy)) {
    errs.push(notSupported(`${field}.selectPolicy`, rules.selectPolicy, ['Disabled', 'Max', 'Min']));
  }
  const policies = rules.policies ?? [];
  if (policies.length === 0) errs.push(required(`${field}.policies`, 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const f = `${field}.policies[${i}]`;
    if (p.type !== 'Pods' && p.type !== 'Percent') errs.push(notSupported(`${f}.type`, p.type ?? '', ['Percent', 'Pods']));
    if ((p.value ?? 0) <= 0) errs.push(invalid(`${f}.value`, p.value ?? 0, 'must be greater than zero'));
    const period = p.periodSeconds ?? 0;
    if (period <= 0) errs.push(invalid(`${f}.periodSeconds`, period, 'must be greater than zero'));
    if (period > maxPeriodSeconds) errs.push(invalid(`${f}.periodSeconds`, period, `must be less than or equal to ${maxPeriodSeconds}`));
  });
  return errs;
}

export function validateHPA(obj: KubeObject): FieldError[] {
  const spec = (obj.spec ?? {}) as HPASpecV2;
  const errs: FieldError[] = [];
  const min = spec.minReplicas;
  const max = spec.maxReplicas ?? 0;
  if (typeof min === 'number' && min < 1) errs.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (max < 1) errs.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (typeof min === 'number' && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  const ref = spec.scaleTargetRef ?? {};
  // ReplicationController is the one scalable kind of the core group.
  errs.push(...validateCrossVersionReference(ref, 'spec.scaleTargetRef', ref.kind === 'ReplicationController'));
  (spec.metrics ?? []).forEach((m, i) => errs.push(...validateMetric(m, `spec.metrics[${i}]`)));
  if (spec.behavior) {
    errs.push(...validateRules(spec.behavior.scaleUp, 'spec.behavior.scaleUp'));
    errs.push(...validateRules(spec.behavior.scaleDown, 'spec.behavior.scaleDown'));
  }
  return errs;
}
