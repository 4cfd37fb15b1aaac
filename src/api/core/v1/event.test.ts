import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { events } from './event.js';
import { causes, make, now } from './test-util.js';

const ago = (s: number) => new Date(now - s * 1000).toISOString();

describe('events', () => {
  const ev = make(events, {
    metadata: { name: 'web-7d4b9.17c8a', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-7d4b9', uid: 'u1', apiVersion: 'v1', fieldPath: 'spec.containers{web}' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container web\n',
    source: { component: 'kubelet', host: 'node1' },
    firstTimestamp: ago(600),
    lastTimestamp: ago(30),
    count: 12,
    type: 'Warning',
  });

  it('prints the kubectl get events columns, wide ones included', () => {
    assert.deepEqual(events.cells!(ev, now), [
      '30s', 'Warning', 'BackOff', 'pod/web-7d4b9', 'spec.containers{web}', 'kubelet, node1',
      'Back-off restarting failed container web', '10m', 12, 'web-7d4b9.17c8a',
    ]);
    assert.deepEqual(
      events.columns!.map((c) => `${c.name}${c.priority ? '*' : ''}`),
      ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject*', 'Source*', 'Message', 'First Seen*', 'Count*', 'Name*'],
    );
  });

  it('uses eventTime and series for new-style events', () => {
    const e = make(events, {
      metadata: { name: 'e', namespace: 'default' },
      involvedObject: { kind: 'Node', name: 'node1' },
      eventTime: ago(120),
      series: { count: 3, lastObservedTime: ago(5) },
      reportingComponent: 'k8ts.io/node-controller',
      reportingInstance: 'server',
      action: 'Check',
      reason: 'NodeNotReady',
      type: 'Normal',
      message: 'Node node1 status is now: NodeNotReady',
    });
    assert.deepEqual(events.cells!(e, now).slice(0, 9), ['5s', 'Normal', 'NodeNotReady', 'node/node1', '', 'k8ts.io/node-controller, server', 'Node node1 status is now: NodeNotReady', '2m', 3]);
    assert.deepEqual(events.validate!(e), []);
    assert.equal(events.fieldSelectors!.source!(e), 'k8ts.io/node-controller');
  });

  it('requires the event to live in its object\'s namespace', () => {
    const wrong = make(events, { metadata: { name: 'e', namespace: 'other' }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'p' } });
    assert.deepEqual(causes(events.validate!(wrong)), ['involvedObject.namespace: Invalid value: "default": does not match event.namespace']);
  });

  it('selects on the involved object and reason', () => {
    const f = events.fieldSelectors!;
    assert.equal(f['involvedObject.name']!(ev), 'web-7d4b9');
    assert.equal(f['involvedObject.uid']!(ev), 'u1');
    assert.equal(f['involvedObject.kind']!(ev), 'Pod');
    assert.equal(f.reason!(ev), 'BackOff');
    assert.equal(f.source!(ev), 'kubelet');
    assert.equal(f.type!(ev), 'Warning');
  });
});
