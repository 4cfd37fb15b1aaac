import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age, formatLabels } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, required } from '../../validation/field-errors.js';
import { validatePodTemplateSpec } from '../../core/v1/pod-spec.js';
import { nonNegative } from '../../common/checks.js';
import { ageColumn, containerCells, containersColumn, imagesColumn, nameColumn, selectorColumn } from '../../common/columns.js';
import { goIntOrString, goLabelSelector, goQuote, invalidRendered, notSupportedRendered } from '../../common/go-format.js';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from '../../common/int-or-string.js';
import { formatSelector, selectorEmpty, selectorInvalid, validateLabelSelector } from '../../common/label-selector.js';
import { semanticEqual } from '../../common/semantic.js';
import { validateSelectorUnchanged } from './deployment.js';
import { defaultPodTemplateSpec, validateLongRunningPods, validateSelectorMatchesTemplate } from './template.js';
import { type DaemonSetSpec, specOf, statusOf } from './types.js';

/**
 * apps/v1 keeps the internal spec.templateGeneration in this annotation; it starts at 1 and
 * grows by one whenever the pod template changes.
 */
export const templateGenerationAnnotation = 'deprecated.daemonset.template.generation';

/** SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, history 10. */
export function defaultDaemonSet(obj: KubeObject): void {
  const spec = specOf<DaemonSetSpec>(obj);
  spec.updateStrategy ??= {};
  spec.updateStrategy.type ||= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template as Record<string, unknown>);
}

function templateGeneration(obj: KubeObject): number {
  const n = Number(obj.metadata.annotations?.[templateGenerationAnnotation]);
  return Number.isInteger(n) ? n : 0;
}

function setTemplateGeneration(obj: KubeObject, n: number): void {
  obj.metadata.annotations = { ...obj.metadata.annotations, [templateGenerationAnnotation]: String(n) };
}

function validateRollingUpdate(ru: NonNullable<NonNullable<DaemonSetSpec['updateStrategy']>['rollingUpdate']>, f: string): FieldError[] {
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, `${f}.maxUnavailable`),
    ...validatePositiveIntOrPercent(ru.maxSurge, `${f}.maxSurge`),
    ...isNotMoreThan100Percent(ru.maxUnavailable, `${f}.maxUnavailable`),
    ...isNotMoreThan100Percent(ru.maxSurge, `${f}.maxSurge`),
  ];
  const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
  if (hasUnavailable && hasSurge) {
    errs.push(invalidRendered(`${f}.maxSurge`, goIntOrString(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
  } else if (!hasUnavailable && !hasSurge) {
    errs.push(required(`${f}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
  }
  return errs;
}

function validateUpdateStrategy(strategy: DaemonSetSpec['updateStrategy'], field: string): FieldError[] {
  const type = strategy?.type ?? '';
  if (type === 'OnDelete') return [];
  if (type === 'RollingUpdate') {
    const ru = strategy?.rollingUpdate;
    return ru ? validateRollingUpdate(ru, `${field}.rollingUpdate`) : [required(`${field}.rollingUpdate`)];
  }
  const ruText = strategy?.rollingUpdate ? '(*apps.RollingUpdateDaemonSet)(0xc000000000)' : '(*apps.RollingUpdateDaemonSet)(nil)';
  const rendered = `apps.DaemonSetUpdateStrategy{Type:${goQuote(type)}, RollingUpdate:${ruText}}`;
  return [notSupportedRendered(field, rendered, ['RollingUpdate', 'OnDelete'])];
}

/** ValidateDaemonSetSpec (no "Required" for a missing selector: it just matches nothing). */
export function validateDaemonSetSpec(spec: DaemonSetSpec, field = 'spec'): FieldError[] {
  const templateField = `${field}.template`;
  const errs = validateLabelSelector(spec.selector, `${field}.selector`);
  if (!selectorInvalid(spec.selector)) errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template, templateField));
  if (spec.selector && selectorEmpty(spec.selector)) {
    errs.push(invalidRendered(`${field}.selector`, goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'));
  }
  errs.push(...validatePodTemplateSpec(spec.template ?? {}, templateField));
  errs.push(...validateLongRunningPods(spec.template, templateField, 'DaemonSet'));
  errs.push(...nonNegative(spec.minReadySeconds, `${field}.minReadySeconds`));
  errs.push(...validateUpdateStrategy(spec.updateStrategy, `${field}.updateStrategy`));
  errs.push(...nonNegative(spec.revisionHistoryLimit, `${field}.revisionHistoryLimit`));
  return errs;
}

interface DaemonSetStatus {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
}

export const daemonSets: ResourceDefinition = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  singular: 'daemonset',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  statusSubresource: true,
  tracksGeneration: true,
  protobufMessage: 'k8s.io.api.apps.v1.DaemonSet',
  defaults: defaultDaemonSet,
  prepareForCreate: (obj) => {
    // The four counters below are not omitempty, so an empty status still lists them.
    obj.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    setTemplateGeneration(obj, Math.max(1, templateGeneration(obj)));
  },
  prepareForUpdate: (obj, old) => {
    // Clients cannot set the template generation; it follows template changes only.
    const previous = templateGeneration(old);
    const changed = !semanticEqual(specOf<DaemonSetSpec>(obj).template, specOf<DaemonSetSpec>(old).template);
    setTemplateGeneration(obj, changed ? previous + 1 : previous);
  },
  validate: (obj) => validateDaemonSetSpec(specOf<DaemonSetSpec>(obj)),
  validateUpdate: validateSelectorUnchanged,
  columns: [
    nameColumn,
    { name: 'Desired', type: 'integer', description: 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).' },
    { name: 'Current', type: 'integer', description: 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.' },
    { name: 'Ready', type: 'integer', description: 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.' },
    { name: 'Up-to-date', type: 'integer', description: 'The total number of nodes that are running updated daemon pod' },
    { name: 'Available', type: 'integer', description: 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)' },
    { name: 'Node Selector', type: 'string', description: "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/" },
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn("A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
  ],
  cells: (obj, now) => {
    const spec = specOf<DaemonSetSpec>(obj);
    const s = statusOf<DaemonSetStatus>(obj);
    const [names, images] = containerCells(spec.template?.spec);
    return [
      obj.metadata.name,
      s.desiredNumberScheduled ?? 0,
      s.currentNumberScheduled ?? 0,
      s.numberReady ?? 0,
      s.updatedNumberScheduled ?? 0,
      s.numberAvailable ?? 0,
      formatLabels(spec.template?.spec?.nodeSelector),
      age(obj.metadata.creationTimestamp, now),
      names,
      images,
      formatSelector(spec.selector),
    ];
  },
};
