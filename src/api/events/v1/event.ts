import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, invalid, required } from '../../validation/field-errors.js';
import { isDNS1123Subdomain, isQualifiedName } from '../../validation/names.js';
import { events as coreEvents } from '../../core/v1/event.js';
import { immutableField } from '../../common/checks.js';
import { asRecord, semanticEqual } from '../../common/semantic.js';
import { eventToCore, eventsConversion } from './conversion.js';

const limits = { reportingInstance: 128, action: 128, reason: 128, note: 1024 };

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * legacyValidateEvent as applied to events.k8s.io requests (it runs on the core form, so
 * most paths name core fields, but the reporter is `reportingController`).
 */
function legacyChecks(core: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = core.metadata.namespace ?? '';
  const involvedNs = text(asRecord(core.involvedObject)?.namespace);
  const mismatch = (): void => {
    errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  };
  if (!core.eventTime) {
    if (involvedNs === '' ? ns !== '' && ns !== 'default' : ns !== involvedNs) mismatch();
  } else {
    if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system') mismatch();
    const controller = text(core.reportingComponent);
    if (!controller) errs.push(required('reportingController'));
    for (const m of isQualifiedName(controller)) errs.push(invalid('reportingController', controller, m));
    const checks: [string, string, number][] = [
      ['reportingInstance', text(core.reportingInstance), limits.reportingInstance],
      ['action', text(core.action), limits.action],
      ['reason', text(core.reason), limits.reason],
    ];
    for (const [field, value, max] of checks) {
      if (!value) errs.push(required(field));
      if (value.length > max) errs.push(invalid(field, '', `can have at most ${max} characters`));
    }
    if (text(core.message).length > limits.note) errs.push(invalid('message', '', `can have at most ${limits.note} characters`));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(invalid('namespace', ns, m));
  return errs;
}

function seriesChecks(core: KubeObject): FieldError[] {
  const series = asRecord(core.series);
  if (!series) return [];
  const errs: FieldError[] = [];
  if (typeof series.count !== 'number' || series.count < 2) errs.push(invalid('series.count', '', 'should be at least 2'));
  if (!series.lastObservedTime) errs.push(required('series.lastObservedTime'));
  return errs;
}

/** ValidateEventCreate for events.k8s.io/v1: the strict rules new-style events follow. */
export function validateEventsV1(obj: KubeObject): FieldError[] {
  const core = eventToCore(obj);
  const errs = [...legacyChecks(core), ...seriesChecks(core)];
  if (!core.eventTime) errs.push(required('eventTime'));
  if (core.type !== 'Normal' && core.type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${text(core.type)}`));
  if (core.firstTimestamp) errs.push(invalid('deprecatedFirstTimestamp', '', 'needs to be unset'));
  if (core.lastTimestamp) errs.push(invalid('deprecatedLastTimestamp', '', 'needs to be unset'));
  if (core.count) errs.push(invalid('deprecatedCount', '', 'needs to be unset'));
  const source = asRecord(core.source);
  if (source?.component || source?.host) errs.push(invalid('deprecatedSource', '', 'needs to be unset'));
  return errs;
}

/** ValidateEventUpdate for events.k8s.io/v1: everything but the series is fixed. */
export function validateEventsV1Update(obj: KubeObject, old: KubeObject): FieldError[] {
  const core = eventToCore(obj);
  const prev = eventToCore(old);
  const errs: FieldError[] = [];
  const fields: [string, string][] = [
    ['involvedObject', 'involvedObject'],
    ['reason', 'reason'],
    ['message', 'message'],
    ['source', 'source'],
    ['firstTimestamp', 'firstTimestamp'],
    ['lastTimestamp', 'lastTimestamp'],
    ['count', 'count'],
    ['type', 'type'],
    ['eventTime', 'eventTime'],
    ['action', 'action'],
    ['related', 'related'],
    ['reportingComponent', 'reportingController'],
    ['reportingInstance', 'reportingInstance'],
  ];
  for (const [key, path] of fields) errs.push(...immutableField(core[key], prev[key], path));
  if (!semanticEqual(core.series, prev.series)) errs.push(...seriesChecks(core));
  return errs;
}

const regarding = (key: string) => (o: KubeObject) => text(asRecord(o.regarding)?.[key]);

export const eventsV1: ResourceDefinition = {
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  protobufMessage: 'k8s.io.api.events.v1.Event',
  conversion: eventsConversion,
  validate: validateEventsV1,
  validateUpdate: validateEventsV1Update,
  // The same table as core events: Kubernetes prints both from the core type.
  columns: coreEvents.columns,
  cells: (obj, now) => coreEvents.cells!(eventToCore(obj), now),
  fieldSelectors: {
    'regarding.kind': regarding('kind'),
    'regarding.namespace': regarding('namespace'),
    'regarding.name': regarding('name'),
    'regarding.uid': regarding('uid'),
    'regarding.apiVersion': regarding('apiVersion'),
    'regarding.resourceVersion': regarding('resourceVersion'),
    'regarding.fieldPath': regarding('fieldPath'),
    reason: (o) => text(o.reason),
    reportingController: (o) => text(o.reportingController),
    type: (o) => text(o.type),
  },
};
