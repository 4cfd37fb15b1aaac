/**
 * events.k8s.io/v1 Events are stored as core/v1 Events (Kubernetes still uses the core type
 * internally). The field mapping follows upstream's conversion: regarding ⇄ involvedObject,
 * note ⇄ message, reportingController ⇄ reportingComponent, deprecatedSource ⇄ source,
 * deprecatedFirstTimestamp/LastTimestamp/Count ⇄ firstTimestamp/lastTimestamp/count; eventTime,
 * series, action, reason, related, type and reportingInstance keep their names.
 */
import type { StorageConversion } from '../../../apiserver/registry/resource.js';
import type { KubeObject } from '../../types.js';

/** Copies `from[src]` to `to[dst]` when it is set (absent stays absent). */
function copy(from: KubeObject, src: string, to: KubeObject, dst = src): void {
  if (from[src] !== undefined) to[dst] = from[src];
}

function orEmpty(v: unknown): unknown {
  return v !== null && typeof v === 'object' ? v : {};
}

/** Go omits an int32 omitempty field when it is zero. */
function count(v: unknown): number | undefined {
  return typeof v === 'number' && v !== 0 ? v : undefined;
}

/** events.k8s.io/v1 → core/v1, shaped as the core API serializes it. */
export function eventToCore(ev: KubeObject): KubeObject {
  const core: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata: ev.metadata };
  core.involvedObject = orEmpty(ev.regarding);
  copy(ev, 'reason', core);
  copy(ev, 'note', core, 'message');
  core.source = orEmpty(ev.deprecatedSource);
  core.firstTimestamp = ev.deprecatedFirstTimestamp ?? null;
  core.lastTimestamp = ev.deprecatedLastTimestamp ?? null;
  const n = count(ev.deprecatedCount);
  if (n !== undefined) core.count = n;
  copy(ev, 'type', core);
  core.eventTime = ev.eventTime ?? null;
  copy(ev, 'series', core);
  copy(ev, 'action', core);
  copy(ev, 'related', core);
  // Not omitempty in core/v1: always present, possibly empty.
  core.reportingComponent = ev.reportingController ?? '';
  core.reportingInstance = ev.reportingInstance ?? '';
  return core;
}

/** core/v1 → events.k8s.io/v1, shaped as the events API serializes it. */
export function eventFromCore(core: KubeObject): KubeObject {
  const ev: KubeObject = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: core.metadata };
  ev.eventTime = core.eventTime ?? null;
  copy(core, 'series', ev);
  if (core.reportingComponent) ev.reportingController = core.reportingComponent;
  if (core.reportingInstance) ev.reportingInstance = core.reportingInstance;
  copy(core, 'action', ev);
  copy(core, 'reason', ev);
  ev.regarding = orEmpty(core.involvedObject);
  copy(core, 'related', ev);
  copy(core, 'message', ev, 'note');
  copy(core, 'type', ev);
  ev.deprecatedSource = orEmpty(core.source);
  ev.deprecatedFirstTimestamp = core.firstTimestamp ?? null;
  ev.deprecatedLastTimestamp = core.lastTimestamp ?? null;
  const n = count(core.count);
  if (n !== undefined) ev.deprecatedCount = n;
  return ev;
}

export const eventsConversion: StorageConversion = {
  storageResource: { group: '', plural: 'events' },
  toStorage: eventToCore,
  fromStorage: eventFromCore,
};
