import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age, humanDuration } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, invalid, required } from '../../validation/field-errors.js';
import { isDNS1123Label } from '../../validation/names.js';
import { defaultPodTemplateSpec } from '../../core/v1/pod-spec.js';
import { immutableField } from '../../common/checks.js';
import { ageColumn, containerCells, containersColumn, imagesColumn, nameColumn, selectorColumn } from '../../common/columns.js';
import { goLabelSelector, goStringMap, invalidRendered } from '../../common/go-format.js';
import { formatSelector, selectorInvalid, selectorMatches, validateLabelSelector } from '../../common/label-selector.js';
import { semanticEqual } from '../../common/semantic.js';
import { validateJobSpecBody } from './job-spec.js';
import { type JobSpec, type JobStatus, specOf, statusOf } from './types.js';

/** Labels the API server stamps on a Job's pod template, and the selector it generates. */
export const controllerUidLabel = 'batch.kubernetes.io/controller-uid';
export const jobNameLabel = 'batch.kubernetes.io/job-name';
export const legacyControllerUidLabel = 'controller-uid';
export const legacyJobNameLabel = 'job-name';

/** SetDefaults_Job. The template's restartPolicy is left to validation (OnFailure or Never). */
export function defaultJob(obj: KubeObject): void {
  const spec = specOf<JobSpec>(obj);
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  if (spec.backoffLimit === undefined) {
    const perIndex = spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null;
    spec.backoffLimit = perIndex ? 2147483647 : 6;
  }
  // A Job without labels takes its pod template's (upstream they even share one map).
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...templateLabels };
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const cond of rule.onPodConditions ?? []) cond.status ||= 'True';
  }
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template as Record<string, unknown>);
}

/**
 * generateSelector: unless manualSelector is set, the pods carry the job's name and uid
 * (new and legacy label keys) and the Job selects on its uid. The uid is assigned first.
 */
export function generateSelector(obj: KubeObject): void {
  const spec = specOf<JobSpec>(obj);
  if (spec.manualSelector === true) return;
  const name = obj.metadata.name ?? '';
  const uid = obj.metadata.uid ?? '';
  spec.template ??= {};
  spec.template.metadata ??= {};
  const labels = (spec.template.metadata.labels ??= {});
  // The job's own labels were copied from the template at defaulting; upstream shares the map.
  const shared = semanticEqual(obj.metadata.labels, labels) && Object.keys(labels).length > 0;
  for (const key of [legacyJobNameLabel, jobNameLabel]) labels[key] ??= name;
  for (const key of [legacyControllerUidLabel, controllerUidLabel]) labels[key] ??= uid;
  spec.selector ??= {};
  spec.selector.matchLabels ??= {};
  spec.selector.matchLabels[controllerUidLabel] ??= uid;
  if (shared) obj.metadata.labels = { ...labels };
}

function hasLabel(labels: Record<string, string> | undefined, key: string, expected: string): FieldError[] {
  const f = `spec.template.metadata.labels[${key}]`;
  if (!labels || !(key in labels)) return [required(f, expected)];
  return labels[key] === expected ? [] : [invalidRendered(f, goStringMap(labels), `must be '${expected}'`)];
}

/** validateGeneratedSelector: a generated selector must still select this job's pods. */
function validateGeneratedSelector(obj: KubeObject, spec: JobSpec): FieldError[] {
  if (spec.manualSelector === true || !spec.selector) return [];
  const name = obj.metadata.name ?? '';
  const uid = obj.metadata.uid ?? '';
  const errs: FieldError[] = [];
  if (!uid) errs.push(required('metadata.uid'));
  const labels = spec.template?.metadata?.labels;
  errs.push(...hasLabel(labels, legacyControllerUidLabel, uid), ...hasLabel(labels, legacyJobNameLabel, name));
  errs.push(...hasLabel(labels, controllerUidLabel, uid), ...hasLabel(labels, jobNameLabel, name));
  const expected = { [controllerUidLabel]: uid, [jobNameLabel]: name, [legacyControllerUidLabel]: uid, [legacyJobNameLabel]: name };
  if (!selectorInvalid(spec.selector) && !selectorMatches(spec.selector, expected)) {
    errs.push(invalidRendered('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated'));
  }
  return errs;
}

/** ValidateJob beyond ObjectMeta. */
export function validateJob(obj: KubeObject): FieldError[] {
  const spec = specOf<JobSpec>(obj);
  const errs = validateGeneratedSelector(obj, spec);
  errs.push(...validateJobSpecBody(spec, 'spec'));
  if (!spec.selector) errs.push(required('spec.selector'));
  else errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const labels = spec.template?.metadata?.labels;
  if (!selectorInvalid(spec.selector) && !selectorMatches(spec.selector, labels)) {
    errs.push(invalidRendered('spec.template.metadata.labels', goStringMap(labels), '`selector` does not match template `labels`'));
  }
  // Indexed pods are named <job>-<index> and use that as hostname.
  if (spec.completionMode === 'Indexed' && typeof spec.completions === 'number' && spec.completions > 0) {
    const host = `${obj.metadata.name ?? ''}-${spec.completions - 1}`;
    if (isDNS1123Label(host).length) {
      errs.push(invalid('metadata.name', obj.metadata.name ?? '', `will not able to create pod with invalid DNS label: ${host}`));
    }
  }
  return errs;
}

/** Fields of a suspended, never-started Job's template that may still change. */
function withSchedulingDirectivesOf(template: JobSpec['template'], from: JobSpec['template']): unknown {
  const t = structuredClone(template ?? {}) as Record<string, any>;
  const f = (from ?? {}) as Record<string, any>;
  t.metadata = { ...t.metadata, labels: f.metadata?.labels, annotations: f.metadata?.annotations };
  t.spec = { ...t.spec };
  for (const k of ['nodeSelector', 'tolerations', 'schedulingGates']) t.spec[k] = f.spec?.[k];
  if (t.spec.affinity || f.spec?.affinity) t.spec.affinity = { ...t.spec.affinity, nodeAffinity: f.spec?.affinity?.nodeAffinity };
  return t;
}

/** ValidateJobSpecUpdate: most of a Job is fixed once created. */
export function validateJobUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf<JobSpec>(obj);
  const prev = specOf<JobSpec>(old);
  const errs: FieldError[] = [];
  const indexed = spec.completionMode === 'Indexed';
  if (!indexed) errs.push(...immutableField(spec.completions, prev.completions, 'spec.completions'));
  else if (!semanticEqual(spec.completions, prev.completions) && typeof spec.completions === 'number' && spec.completions !== spec.parallelism) {
    errs.push(invalid('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism'));
  }
  if (!semanticEqual(spec.selector, prev.selector)) {
    errs.push(invalidRendered('spec.selector', goLabelSelector(spec.selector), 'field is immutable'));
  }
  const suspendedNeverStarted = prev.suspend === true && !statusOf<JobStatus>(old).startTime;
  const oldTemplate = suspendedNeverStarted ? withSchedulingDirectivesOf(prev.template, spec.template) : prev.template;
  errs.push(...immutableField(spec.template, oldTemplate, 'spec.template'));
  errs.push(...immutableField(spec.completionMode, prev.completionMode, 'spec.completionMode'));
  errs.push(...immutableField(spec.podFailurePolicy, prev.podFailurePolicy, 'spec.podFailurePolicy'));
  errs.push(...immutableField(spec.backoffLimitPerIndex, prev.backoffLimitPerIndex, 'spec.backoffLimitPerIndex'));
  errs.push(...immutableField(spec.managedBy, prev.managedBy, 'spec.managedBy'));
  errs.push(...immutableField(spec.successPolicy, prev.successPolicy, 'spec.successPolicy'));
  return errs;
}

function conditionTrue(status: Partial<JobStatus>, type: string): boolean {
  const c = (status.conditions ?? []).find((x) => x.type === type);
  return c?.status === 'True';
}

/** The STATUS column (kubectl 1.28+ servers). */
export function jobStatusText(obj: KubeObject): string {
  const s = statusOf<JobStatus>(obj);
  if (conditionTrue(s, 'Complete')) return 'Complete';
  if (conditionTrue(s, 'Failed')) return 'Failed';
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  if (conditionTrue(s, 'Suspended')) return 'Suspended';
  if (conditionTrue(s, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function completionsText(spec: JobSpec, succeeded: number): string {
  if (typeof spec.completions === 'number') return `${succeeded}/${spec.completions}`;
  const parallelism = spec.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function durationText(status: Partial<JobStatus>, now: number): string {
  if (!status.startTime) return '';
  const start = Date.parse(status.startTime);
  const end = status.completionTime ? Date.parse(status.completionTime) : now;
  return humanDuration(end - start);
}

export const jobs: ResourceDefinition = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  singular: 'job',
  namespaced: true,
  categories: ['all'],
  statusSubresource: true,
  tracksGeneration: true,
  protobufMessage: 'k8s.io.api.batch.v1.Job',
  defaults: defaultJob,
  prepareForCreate: (obj) => {
    generateSelector(obj);
    obj.status = {};
  },
  validate: validateJob,
  validateUpdate: validateJobUpdate,
  columns: [
    nameColumn,
    { name: 'Status', type: 'string', description: 'Status of the job.' },
    { name: 'Completions', type: 'string', description: 'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.' },
    { name: 'Duration', type: 'string', description: 'Time required to complete the job.' },
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors'),
  ],
  cells: (obj, now) => {
    const spec = specOf<JobSpec>(obj);
    const status = statusOf<JobStatus>(obj);
    const [names, images] = containerCells(spec.template?.spec);
    return [
      obj.metadata.name,
      jobStatusText(obj),
      completionsText(spec, status.succeeded ?? 0),
      durationText(status, now),
      age(obj.metadata.creationTimestamp, now),
      names,
      images,
      formatSelector(spec.selector),
    ];
  },
  fieldSelectors: {
    'status.successful': (obj) => String(statusOf<JobStatus>(obj).succeeded ?? 0),
  },
};
