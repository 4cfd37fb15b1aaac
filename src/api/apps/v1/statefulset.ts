import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, forbidden, notSupported, required } from '../../validation/field-errors.js';
import { isDNS1123Label } from '../../validation/names.js';
import { validateAnnotations, validateLabels } from '../../validation/object-meta.js';
import { nonNegative } from '../../common/checks.js';
import { ageColumn, containerCells, containersColumn, imagesColumn, nameColumn } from '../../common/columns.js';
import { goIntOrString, goLabelSelector, goQuote, invalidRendered } from '../../common/go-format.js';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from '../../common/int-or-string.js';
import { selectorInvalid } from '../../common/label-selector.js';
import { semanticEqual } from '../../common/semantic.js';
import { replicasScale } from './scale.js';
import { defaultPodTemplateSpec, validateLongRunningPods, validateRequiredSelector, validateSelectorMatchesTemplate } from './template.js';
import { type StatefulSetSpec, specOf, statusOf } from './types.js';

/** SetDefaults_StatefulSet, plus PVC defaults on each volumeClaimTemplate. */
export function defaultStatefulSet(obj: KubeObject): void {
  const spec = specOf<StatefulSetSpec>(obj);
  spec.podManagementPolicy ||= 'OrderedReady';
  spec.updateStrategy ??= {};
  if (!spec.updateStrategy.type) {
    spec.updateStrategy.type = 'RollingUpdate';
    spec.updateStrategy.rollingUpdate ??= {};
  }
  const ru = spec.updateStrategy.rollingUpdate;
  if (spec.updateStrategy.type === 'RollingUpdate' && ru) ru.partition ??= 0;
  spec.persistentVolumeClaimRetentionPolicy ??= {};
  spec.persistentVolumeClaimRetentionPolicy.whenDeleted ||= 'Retain';
  spec.persistentVolumeClaimRetentionPolicy.whenScaled ||= 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template as Record<string, unknown>);
  for (const claim of spec.volumeClaimTemplates ?? []) {
    // The v1 form always names the embedded claims' type, and claims default like PVCs do.
    claim.apiVersion ??= 'v1';
    claim.kind ??= 'PersistentVolumeClaim';
    const claimSpec = (claim.spec ??= {}) as Record<string, unknown>;
    claimSpec.volumeMode ??= 'Filesystem';
    const claimStatus = (claim.status ??= {}) as Record<string, unknown>;
    claimStatus.phase ||= 'Pending';
  }
}

function validateUpdateStrategy(strategy: StatefulSetSpec['updateStrategy'], field: string): FieldError[] {
  const type = strategy?.type ?? '';
  const ru = strategy?.rollingUpdate;
  const f = `${field}.rollingUpdate`;
  switch (type) {
    case '':
      return [required(field)];
    case 'OnDelete':
      return ru ? [invalidRendered(f, JSON.stringify(ru), "only allowed for updateStrategy 'RollingUpdate'")] : [];
    case 'RollingUpdate': {
      if (!ru) return [];
      const errs = nonNegative(ru.partition, `${f}.partition`);
      if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
        errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${f}.maxUnavailable`));
        if (intOrPercentValue(ru.maxUnavailable) === 0) {
          errs.push(invalidRendered(`${f}.maxUnavailable`, goIntOrString(ru.maxUnavailable), 'cannot be 0'));
        }
        errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${f}.maxUnavailable`));
      }
      return errs;
    }
    default: {
      const ruText = ru ? '(*apps.RollingUpdateStatefulSetStrategy)(0xc000000000)' : '(*apps.RollingUpdateStatefulSetStrategy)(nil)';
      const rendered = `apps.StatefulSetUpdateStrategy{Type:${goQuote(type)}, RollingUpdate:${ruText}}`;
      return [invalidRendered(field, rendered, "must be 'RollingUpdate' or 'OnDelete'")];
    }
  }
}

function validateRetention(policy: StatefulSetSpec['persistentVolumeClaimRetentionPolicy'], field: string): FieldError[] {
  if (!policy) return [];
  const errs: FieldError[] = [];
  for (const key of ['whenDeleted', 'whenScaled'] as const) {
    const v = policy[key] ?? '';
    if (v !== 'Retain' && v !== 'Delete') errs.push(notSupported(`${field}.${key}`, v, ['Retain', 'Delete']));
  }
  return errs;
}

/** ValidateStatefulSetSpec. The pod spec itself is not validated (volume claims fill volumes). */
export function validateStatefulSetSpec(spec: StatefulSetSpec, field = 'spec'): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = spec.podManagementPolicy ?? '';
  if (pmp === '') errs.push(required(`${field}.podManagementPolicy`));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') {
    errs.push(invalidRendered(`${field}.podManagementPolicy`, goQuote(pmp), "must be 'OrderedReady' or 'Parallel'"));
  }
  errs.push(...validateUpdateStrategy(spec.updateStrategy, `${field}.updateStrategy`));
  errs.push(...validateRetention(spec.persistentVolumeClaimRetentionPolicy, `${field}.persistentVolumeClaimRetentionPolicy`));
  errs.push(...nonNegative(spec.replicas, `${field}.replicas`));
  errs.push(...nonNegative(spec.minReadySeconds, `${field}.minReadySeconds`));
  if (spec.ordinals) errs.push(...nonNegative(spec.ordinals.start, `${field}.ordinals.start`));
  errs.push(...validateRequiredSelector(spec.selector, `${field}.selector`, 'statefulset'));
  const templateField = `${field}.template`;
  if (selectorInvalid(spec.selector)) {
    errs.push(invalidRendered(`${field}.selector`, goLabelSelector(spec.selector), ''));
  } else {
    errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template, templateField));
    // Upstream checks these at `template.labels` / `template.annotations` (no `metadata`).
    errs.push(...validateLabels(spec.template?.metadata?.labels, `${templateField}.labels`));
    errs.push(...validateAnnotations(spec.template?.metadata?.annotations, `${templateField}.annotations`));
  }
  errs.push(...validateLongRunningPods(spec.template, templateField, 'StatefulSet'));
  return errs;
}

const mutableSpecFields = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'];

/** Only replicas, ordinals, template, updateStrategy, PVC retention and minReadySeconds may change. */
export function validateStatefulSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const strip = (o: KubeObject): Record<string, unknown> => {
    const copy: Record<string, unknown> = { ...specOf<Record<string, unknown>>(o) };
    for (const f of mutableSpecFields) delete copy[f];
    return copy;
  };
  if (semanticEqual(strip(obj), strip(old))) return [];
  return [
    forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

interface StatefulSetStatus {
  replicas: number;
  readyReplicas: number;
}

export const statefulSets: ResourceDefinition = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  statusSubresource: true,
  tracksGeneration: true,
  scale: replicasScale,
  // Pods are named <set>-<ordinal> and get the set's name as hostname: a DNS label.
  validateName: isDNS1123Label,
  protobufMessage: 'k8s.io.api.apps.v1.StatefulSet',
  defaults: defaultStatefulSet,
  prepareForCreate: (obj) => {
    obj.status = { replicas: 0, availableReplicas: 0 };
  },
  validate: (obj) => validateStatefulSetSpec(specOf<StatefulSetSpec>(obj)),
  validateUpdate: validateStatefulSetUpdate,
  columns: [
    nameColumn,
    { name: 'Ready', type: 'string', description: 'Number of the pod with ready state' },
    ageColumn,
    containersColumn,
    imagesColumn,
  ],
  cells: (obj, now) => {
    const spec = specOf<StatefulSetSpec>(obj);
    const status = statusOf<StatefulSetStatus>(obj);
    const [names, images] = containerCells(spec.template?.spec);
    return [
      obj.metadata.name,
      `${status.readyReplicas ?? 0}/${spec.replicas ?? 0}`,
      age(obj.metadata.creationTimestamp, now),
      names,
      images,
    ];
  },
};
