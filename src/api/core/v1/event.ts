import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, invalid, required } from '../../validation/field-errors.js';
import { isDNS1123Subdomain, isQualifiedName } from '../../validation/names.js';
import { column } from './columns.js';
import { type JsonObject, objectOr } from './json.js';

const limits = { reportingInstance: 128, action: 128, reason: 128, message: 1024 };

/**
 * The legacy (core/v1) event rules: the event lives in its object's namespace (cluster-scoped
 * objects' events in `default` or none), and new-style events (with eventTime) name their
 * reporter, action and reason.
 */
function validateEvent(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const involved = objectOr(obj.involvedObject);
  const ns = obj.metadata.namespace ?? '';
  const involvedNs = String(involved.namespace ?? '');
  const mismatch = () => errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  if (!obj.eventTime) {
    if (involvedNs === '' ? ns !== '' && ns !== 'default' : ns !== involvedNs) mismatch();
  } else {
    if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system') mismatch();
    const controller = String(obj.reportingComponent ?? '');
    if (!controller) errs.push(required('reportingController'));
    for (const m of isQualifiedName(controller)) errs.push(invalid('reportingController', controller, m));
    const checks: [string, unknown, number][] = [
      ['reportingInstance', obj.reportingInstance, limits.reportingInstance],
      ['action', obj.action, limits.action],
      ['reason', obj.reason, limits.reason],
    ];
    for (const [field, value, max] of checks) {
      if (!value) errs.push(required(field));
      else if (String(value).length > max) errs.push(invalid(field, '', `can have at most ${max} characters`));
    }
    if (String(obj.message ?? '').length > limits.message) errs.push(invalid('message', '', `can have at most ${limits.message} characters`));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(invalid('namespace', ns, m));
  return errs;
}

function since(ts: unknown, now: number): string {
  return typeof ts === 'string' && ts ? age(ts, now) : '<unknown>';
}

/** `reporter, host` as `kubectl get events -o wide` shows it in SOURCE. */
function eventSource(obj: KubeObject): string {
  const source = objectOr(obj.source);
  const component = String(source.component || obj.reportingComponent || '');
  const host = String(source.host || obj.reportingInstance || '');
  return host ? `${component}, ${host}` : component;
}

function eventCells(obj: KubeObject, now: number): unknown[] {
  const involved: JsonObject = objectOr(obj.involvedObject);
  const firstSeen = obj.firstTimestamp ? since(obj.firstTimestamp, now) : since(obj.eventTime, now);
  let lastSeen = obj.lastTimestamp ? since(obj.lastTimestamp, now) : firstSeen;
  let count = Number(obj.count ?? 0);
  if (obj.series && typeof obj.series === 'object') {
    const series = objectOr(obj.series);
    lastSeen = since(series.lastObservedTime, now);
    count = Number(series.count ?? 0);
  } else if (count === 0) {
    // Events from the events.k8s.io API happen once unless they have a series.
    count = 1;
  }
  const kind = String(involved.kind ?? '').toLowerCase();
  const target = involved.name ? `${kind}/${involved.name}` : kind;
  return [
    lastSeen,
    obj.type ?? '',
    obj.reason ?? '',
    target,
    involved.fieldPath ?? '',
    eventSource(obj),
    String(obj.message ?? '').trim(),
    firstSeen,
    count,
    obj.metadata.name,
  ];
}

const field = (get: (o: KubeObject) => unknown) => (o: KubeObject) => String(get(o) ?? '');
const involved = (key: string) => field((o) => objectOr(o.involvedObject)[key]);

export const events: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  protobufMessage: 'k8s.io.api.core.v1.Event',
  validate: validateEvent,
  columns: [
    column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    column('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    column('Object', 'The object that this event is about.'),
    column('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', true),
    column('Source', 'The component reporting this event. Should be a short machine understandable string.', true),
    column('Message', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', true),
    column('Count', 'The number of times this event has occurred.', true),
    { name: 'Name', type: 'string', format: 'name', priority: 1, description: 'Name must be unique within a namespace.' },
  ],
  cells: eventCells,
  fieldSelectors: {
    'involvedObject.kind': involved('kind'),
    'involvedObject.namespace': involved('namespace'),
    'involvedObject.name': involved('name'),
    'involvedObject.uid': involved('uid'),
    'involvedObject.apiVersion': involved('apiVersion'),
    'involvedObject.resourceVersion': involved('resourceVersion'),
    'involvedObject.fieldPath': involved('fieldPath'),
    reason: field((o) => o.reason),
    reportingComponent: field((o) => o.reportingComponent),
    source: field((o) => objectOr(o.source).component || o.reportingComponent),
    type: field((o) => o.type),
  },
};

