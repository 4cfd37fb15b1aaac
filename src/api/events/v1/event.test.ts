import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../types.js';
import { events as coreEvents } from '../../core/v1/event.js';
import { at, created, lines, updated } from '../../common/testing.js';
import { eventFromCore, eventToCore } from './conversion.js';
import { eventsV1 } from './event.js';

const metadata = { name: 'web-7d9f8c.17c3a1b2', namespace: 'default', uid: 'e1', resourceVersion: '42', creationTimestamp: '2024-05-01T10:00:00Z' };

function newStyle(): KubeObject {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: structuredClone(metadata),
    eventTime: '2024-05-01T10:00:00.123456Z',
    series: { count: 3, lastObservedTime: '2024-05-01T10:01:00.000000Z' },
    reportingController: 'k8ts.io/scheduler',
    reportingInstance: 'k8ts-scheduler-node1',
    action: 'Scheduling',
    reason: 'FailedScheduling',
    regarding: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'p1', apiVersion: 'v1', resourceVersion: '7' },
    related: { kind: 'Node', name: 'node1', apiVersion: 'v1' },
    note: '0/1 nodes are available: 1 Insufficient cpu.',
    type: 'Warning',
    deprecatedSource: {},
    deprecatedFirstTimestamp: null,
    deprecatedLastTimestamp: null,
  };
}

function kubeletEvent(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: structuredClone(metadata),
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'p1', apiVersion: 'v1', fieldPath: 'spec.containers{nginx}' },
    reason: 'Pulled',
    message: 'Container image "nginx:1.27" already present on machine',
    source: { component: 'kubelet', host: 'node1' },
    firstTimestamp: '2024-05-01T10:00:00Z',
    lastTimestamp: '2024-05-01T10:02:00Z',
    count: 4,
    type: 'Normal',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: 'node1',
  };
}

test('events.k8s.io → core maps fields the way upstream conversion does', () => {
  const core = eventToCore(newStyle());
  assert.deepEqual(core, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata,
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'p1', apiVersion: 'v1', resourceVersion: '7' },
    reason: 'FailedScheduling',
    message: '0/1 nodes are available: 1 Insufficient cpu.',
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    type: 'Warning',
    eventTime: '2024-05-01T10:00:00.123456Z',
    series: { count: 3, lastObservedTime: '2024-05-01T10:01:00.000000Z' },
    action: 'Scheduling',
    related: { kind: 'Node', name: 'node1', apiVersion: 'v1' },
    reportingComponent: 'k8ts.io/scheduler',
    reportingInstance: 'k8ts-scheduler-node1',
  });
});

test('conversions round-trip in both directions', () => {
  assert.deepEqual(eventFromCore(eventToCore(newStyle())), newStyle());
  assert.deepEqual(eventToCore(eventFromCore(kubeletEvent())), kubeletEvent());
  const seen = eventFromCore(kubeletEvent());
  assert.equal(seen.note, 'Container image "nginx:1.27" already present on machine');
  assert.equal(seen.deprecatedCount, 4);
  assert.deepEqual(seen.deprecatedSource, { component: 'kubelet', host: 'node1' });
  assert.equal(seen.reportingController, 'kubelet');
});

test('the table is the core events table', () => {
  assert.equal(eventsV1.columns, coreEvents.columns);
  const now = at(150);
  assert.deepEqual(eventsV1.cells!(eventFromCore(kubeletEvent()), now), coreEvents.cells!(kubeletEvent(), now));
  const row = eventsV1.cells!(newStyle(), now);
  assert.deepEqual(row.slice(0, 4), ['90s', 'Warning', 'FailedScheduling', 'pod/web-0']);
  assert.equal(row[8], 3);
});

test('new-style events must be complete and leave deprecated fields unset', () => {
  assert.deepEqual(created(eventsV1, newStyle()).errs, []);
  const bad = newStyle();
  delete bad.eventTime;
  delete bad.action;
  bad.type = 'Info';
  bad.deprecatedCount = 2;
  bad.series = { count: 1 };
  assert.deepEqual(lines(created(eventsV1, bad).errs), [
    'series.count: Invalid value: "": should be at least 2',
    'series.lastObservedTime: Required value',
    'eventTime: Required value',
    'type: Invalid value: "": has invalid value: Info',
    'deprecatedCount: Invalid value: "": needs to be unset',
  ]);
  const noReporter = newStyle();
  delete noReporter.reportingController;
  assert.ok(lines(created(eventsV1, noReporter).errs).includes('reportingController: Required value'));
});

test('only the series may change on update; selectors read the v1 fields', () => {
  const { obj: old } = created(eventsV1, newStyle());
  const bumped = structuredClone(old);
  bumped.series = { count: 4, lastObservedTime: '2024-05-01T10:02:00.000000Z' };
  assert.deepEqual(updated(eventsV1, bumped, old), []);
  const edited = structuredClone(old);
  edited.note = 'changed';
  assert.deepEqual(lines(updated(eventsV1, edited, old)), ['message: Invalid value: "changed": field is immutable']);
  assert.equal(eventsV1.fieldSelectors!['regarding.name']!(old), 'web-0');
  assert.equal(eventsV1.fieldSelectors!.reportingController!(old), 'k8ts.io/scheduler');
  assert.deepEqual(eventsV1.conversion!.storageResource, { group: '', plural: 'events' });
});
