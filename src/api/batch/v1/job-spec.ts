/**
 * JobSpec checks shared by Jobs and CronJob job templates (validateJobSpec upstream): counts,
 * completion modes, failure and success policies, replacement policy, the pod template and
 * its restart policy.
 */
import { type FieldError, duplicate, invalid, notSupported, required, tooMany } from '../../validation/field-errors.js';
import { isQualifiedName } from '../../validation/names.js';
import { validateDomainPrefixedPath } from '../../common/domain-path.js';
import { validatePodTemplateSpec } from '../../core/v1/pod-spec.js';
import { nonNegative } from '../../common/checks.js';
import type { JobSpec, PodFailurePolicyRule } from './types.js';

const maxParallelismForIndexedJob = 100000;
const maxFailedIndexesForIndexedJob = 100000;
const maxPodFailurePolicyRules = 20;
const maxManagedByLength = 63;
const podFailureActions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const exitCodeOperators = ['In', 'NotIn'];
const conditionStatuses = ['False', 'True', 'Unknown'];

function validateFailureRule(spec: JobSpec, rule: PodFailurePolicyRule, f: string, containers: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const action = rule.action ?? '';
  if (action === '') errs.push(required(`${f}.action`, `valid values: [${podFailureActions.map((a) => JSON.stringify(a)).join(' ')}]`));
  else if (action === 'FailIndex') {
    if (spec.backoffLimitPerIndex === undefined || spec.backoffLimitPerIndex === null) {
      errs.push(invalid(`${f}.action`, action, 'requires the backoffLimitPerIndex to be set'));
    }
  } else if (!podFailureActions.includes(action)) errs.push(notSupported(`${f}.action`, action, podFailureActions));
  const codes = rule.onExitCodes;
  if (codes) {
    const cf = `${f}.onExitCodes`;
    const op = codes.operator ?? '';
    if (op === '') errs.push(required(`${cf}.operator`, `valid values: [${exitCodeOperators.map((o) => JSON.stringify(o)).join(' ')}]`));
    else if (!exitCodeOperators.includes(op)) errs.push(notSupported(`${cf}.operator`, op, exitCodeOperators));
    if (codes.containerName !== undefined && codes.containerName !== null && !containers.has(codes.containerName)) {
      errs.push(invalid(`${cf}.containerName`, codes.containerName, 'must be one of the container or initContainer names in the pod template'));
    }
    const values = codes.values ?? [];
    if (values.length === 0) errs.push(invalid(`${cf}.values`, values, 'at least one value is required'));
    const seen = new Set<number>();
    values.forEach((v, j) => {
      if (op === 'In' && v === 0) errs.push(invalid(`${cf}.values[${j}]`, v, 'must not be 0 for the In operator'));
      if (seen.has(v)) errs.push(duplicate(`${cf}.values[${j}]`, v));
      seen.add(v);
    });
    if (values.some((v, j) => j > 0 && values[j - 1]! > v)) errs.push(invalid(`${cf}.values`, values, 'must be ordered'));
  }
  const conds = rule.onPodConditions ?? [];
  conds.forEach((c, j) => {
    const pf = `${f}.onPodConditions[${j}]`;
    for (const m of isQualifiedName(c.type ?? '')) errs.push(invalid(`${pf}.type`, c.type ?? '', m));
    const status = c.status ?? '';
    if (status === '') errs.push(required(`${pf}.status`, `valid values: [${conditionStatuses.map((s) => JSON.stringify(s)).join(' ')}]`));
    else if (!conditionStatuses.includes(status)) errs.push(notSupported(`${pf}.status`, status, conditionStatuses));
  });
  if (codes && conds.length > 0) errs.push({ type: 'FieldValueInvalid', field: f, message: 'Invalid value: specifying both OnExitCodes and OnPodConditions is not supported' });
  if (!codes && conds.length === 0) errs.push({ type: 'FieldValueInvalid', field: f, message: 'Invalid value: specifying one of OnExitCodes and OnPodConditions is required' });
  return errs;
}

function validatePodFailurePolicy(spec: JobSpec, field: string): FieldError[] {
  const rules = spec.podFailurePolicy?.rules ?? [];
  const errs: FieldError[] = [];
  if (rules.length > maxPodFailurePolicyRules) errs.push(tooMany(`${field}.rules`, rules.length, maxPodFailurePolicyRules));
  const tmpl = spec.template?.spec;
  const names = new Set([...(tmpl?.containers ?? []), ...(tmpl?.initContainers ?? [])].map((c) => c.name ?? ''));
  rules.forEach((rule, i) => errs.push(...validateFailureRule(spec, rule, `${field}.rules[${i}]`, names)));
  return errs;
}

function validateRestartPolicy(spec: JobSpec, field: string): FieldError[] {
  const policy = spec.template?.spec?.restartPolicy ?? '';
  // The pod defaults fill in Always, so Always reads as "not chosen" here.
  if (policy === '' || policy === 'Always') return [required(field, 'valid values: "OnFailure", "Never"')];
  if (policy !== 'OnFailure' && policy !== 'Never') return [notSupported(field, policy, ['OnFailure', 'Never'])];
  if (spec.podFailurePolicy && policy !== 'Never') {
    return [invalid(field, policy, 'only "Never" is supported when podFailurePolicy is specified')];
  }
  return [];
}

function isIndexed(spec: JobSpec): boolean {
  return spec.completionMode === 'Indexed';
}

export function validateJobSpecBody(spec: JobSpec, field: string): FieldError[] {
  const errs = [
    ...nonNegative(spec.parallelism, `${field}.parallelism`),
    ...nonNegative(spec.completions, `${field}.completions`),
    ...nonNegative(spec.activeDeadlineSeconds, `${field}.activeDeadlineSeconds`),
    ...nonNegative(spec.backoffLimit, `${field}.backoffLimit`),
    ...nonNegative(spec.ttlSecondsAfterFinished, `${field}.ttlSecondsAfterFinished`),
    ...nonNegative(spec.backoffLimitPerIndex, `${field}.backoffLimitPerIndex`),
  ];
  const hasPerIndex = spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null;
  const hasMaxFailed = spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes !== null;
  if (hasMaxFailed) {
    errs.push(...nonNegative(spec.maxFailedIndexes, `${field}.maxFailedIndexes`));
    if (!hasPerIndex) errs.push(required(`${field}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  }
  if (typeof spec.managedBy === 'string') {
    errs.push(...validateDomainPrefixedPath(spec.managedBy, `${field}.managedBy`));
    if (spec.managedBy.length > maxManagedByLength) {
      errs.push({ type: 'FieldValueTooLong', field: `${field}.managedBy`, message: `Too long: may not be more than ${maxManagedByLength} bytes` });
    }
  }
  if (spec.completionMode !== undefined) {
    if (spec.completionMode !== 'NonIndexed' && spec.completionMode !== 'Indexed') {
      errs.push(notSupported(`${field}.completionMode`, spec.completionMode, ['NonIndexed', 'Indexed']));
    }
    if (isIndexed(spec)) {
      if (spec.completions === undefined || spec.completions === null) {
        errs.push(required(`${field}.completions`, 'when completion mode is Indexed'));
      }
      if ((spec.parallelism ?? 0) > maxParallelismForIndexedJob) {
        errs.push(invalid(`${field}.parallelism`, spec.parallelism, `must be less than or equal to ${maxParallelismForIndexedJob} when completion mode is Indexed`));
      }
      if (hasMaxFailed && typeof spec.completions === 'number' && spec.maxFailedIndexes! > spec.completions) {
        errs.push(invalid(`${field}.maxFailedIndexes`, spec.maxFailedIndexes, 'must be less than or equal to completions'));
      }
      if (hasMaxFailed && spec.maxFailedIndexes! > maxFailedIndexesForIndexedJob) {
        errs.push(invalid(`${field}.maxFailedIndexes`, spec.maxFailedIndexes, `must be less than or equal to ${maxFailedIndexesForIndexedJob}`));
      }
    }
  }
  if (!isIndexed(spec)) {
    if (hasPerIndex) errs.push(invalid(`${field}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (hasMaxFailed) errs.push(invalid(`${field}.maxFailedIndexes`, spec.maxFailedIndexes, 'requires indexed completion mode'));
  }
  if (spec.podFailurePolicy) errs.push(...validatePodFailurePolicy(spec, `${field}.podFailurePolicy`));
  if (spec.successPolicy) {
    if (!isIndexed(spec)) errs.push(invalid(`${field}.successPolicy`, spec.successPolicy, 'requires indexed completion mode'));
    else if ((spec.successPolicy.rules ?? []).length === 0) {
      errs.push(required(`${field}.successPolicy.rules`, 'at least one rules must be specified when the successPolicy is specified'));
    }
  }
  const rpp = spec.podReplacementPolicy;
  if (rpp !== undefined && rpp !== null) {
    if (spec.podFailurePolicy) {
      if (rpp !== 'Failed') errs.push(notSupported(`${field}.podReplacementPolicy`, rpp, ['Failed']));
    } else if (rpp !== 'Failed' && rpp !== 'TerminatingOrFailed') {
      errs.push(notSupported(`${field}.podReplacementPolicy`, rpp, ['Failed', 'TerminatingOrFailed']));
    }
  }
  errs.push(...validatePodTemplateSpec(spec.template ?? {}, `${field}.template`));
  errs.push(...validateRestartPolicy(spec, `${field}.template.spec.restartPolicy`));
  return errs;
}

