import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ProtobufDecodeError,
  ProtobufEncodeError,
  decodeObject,
  decodeWatchEvents,
  encodeObject,
  encodeWatchEvent,
  hasProtobufSchema,
} from './codec.js';
import * as fx from './fixtures.js';
import { KINDS } from './schema.generated.js';

type Obj = Record<string, unknown>;
const roundTrip = (obj: Obj) => decodeObject(encodeObject(obj));

describe('encode → decode round trip', () => {
  const cases: [string, Obj][] = [
    ['Pod (probes, quantities, intstr ports, volumes, status)', fx.pod],
    ['Deployment (intstr strategy, pointer zero replicas)', fx.deployment],
    ['Service', fx.service],
    ['Node', fx.node],
    ['EndpointSlice', fx.endpointSlice],
    ['core/v1 Event (MicroTime)', fx.coreEvent],
    ['events.k8s.io/v1 Event', fx.eventsV1Event],
    ['Status', fx.status],
    ['PodList', fx.podList],
    ['Secret (bytes map)', fx.secret],
    ['ConfigMap (binaryData)', fx.configMap],
    ['Lease', fx.lease],
    ['HorizontalPodAutoscaler v2', fx.hpaV2],
    ['SubjectAccessReview (ExtraValue map)', fx.subjectAccessReview],
    ['NetworkPolicy', fx.networkPolicy],
    ['PodDisruptionBudget', fx.podDisruptionBudget],
    ['ControllerRevision (RawExtension)', fx.controllerRevision],
    ['CronJob', fx.cronJob],
    ['ClusterRole', fx.clusterRole],
    ['DeleteOptions', fx.deleteOptions],
  ];
  for (const [name, obj] of cases) {
    it(name, () => {
      assert.deepEqual(roundTrip(obj), obj);
      // The encoding is canonical: a second pass gives the same bytes.
      assert.deepEqual(encodeObject(roundTrip(obj)), encodeObject(obj));
    });
  }

  it('meta/v1 List carries whole objects as nested protobuf', () => {
    const list = { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '' }, items: [fx.service, fx.secret] };
    assert.deepEqual(roundTrip(list), { ...list, metadata: {} });
  });
});

describe('Go JSON rendering of decoded objects', () => {
  it('fills zero values the way Go prints them', () => {
    const decoded = roundTrip({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: '' } });
    assert.deepEqual(decoded, {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'x', creationTimestamp: null },
      spec: {
        selector: null,
        template: { metadata: { creationTimestamp: null }, spec: { containers: null } },
        strategy: {},
      },
      status: {},
    });
  });

  it('keeps pointer zeros and drops omitempty zeros', () => {
    const decoded = roundTrip({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', generation: 0 },
      spec: { containers: [{ name: 'c', stdin: false }], automountServiceAccountToken: false, priority: 0, hostNetwork: false },
    });
    const spec = decoded.spec as Obj;
    assert.equal(spec.automountServiceAccountToken, false);
    assert.equal(spec.priority, 0);
    assert.ok(!('hostNetwork' in spec));
    assert.deepEqual(spec.containers, [{ name: 'c', resources: {} }]);
    assert.ok(!('generation' in (decoded.metadata as Obj)));
  });

  it('truncates metav1.Time to seconds and MicroTime to microseconds', () => {
    const decoded = roundTrip({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'l', creationTimestamp: '2024-01-02T03:04:05.999+01:00' },
      spec: { renewTime: '2024-01-02T03:04:05.123456789Z' },
    });
    assert.equal((decoded.metadata as Obj).creationTimestamp, '2024-01-02T02:04:05Z');
    assert.equal((decoded.spec as Obj).renewTime, '2024-01-02T03:04:05.123456Z');
  });
});

describe('schema lookup', () => {
  it('knows built-in kinds, lists and meta kinds', () => {
    assert.ok(hasProtobufSchema('v1', 'Pod'));
    assert.ok(hasProtobufSchema('apps/v1', 'DeploymentList'));
    assert.ok(hasProtobufSchema('autoscaling/v1', 'Scale'));
    assert.ok(hasProtobufSchema('policy/v1', 'Eviction'));
    assert.ok(hasProtobufSchema('v1', 'Status'));
    assert.ok(hasProtobufSchema('apps/v1', 'Status'));
    assert.ok(hasProtobufSchema('authentication.k8s.io/v1', 'TokenRequest'));
    assert.ok(!hasProtobufSchema('meta.k8s.io/v1', 'Table'));
    assert.ok(!hasProtobufSchema('example.com/v1', 'Widget'));
    assert.ok(!hasProtobufSchema('apps/v1beta1', 'Deployment'));
  });
});

describe('coverage', () => {
  const required: Record<string, string[]> = {
    v1: ['Namespace', 'Pod', 'Service', 'Endpoints', 'ConfigMap', 'Secret', 'ServiceAccount', 'Node', 'Event', 'PersistentVolume', 'PersistentVolumeClaim', 'LimitRange', 'ResourceQuota', 'ReplicationController', 'Binding'],
    'apps/v1': ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ControllerRevision'],
    'batch/v1': ['Job', 'CronJob'],
    'networking.k8s.io/v1': ['Ingress', 'IngressClass', 'NetworkPolicy'],
    'rbac.authorization.k8s.io/v1': ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'],
    'storage.k8s.io/v1': ['StorageClass'],
    'coordination.k8s.io/v1': ['Lease'],
    'discovery.k8s.io/v1': ['EndpointSlice'],
    'events.k8s.io/v1': ['Event'],
    'policy/v1': ['PodDisruptionBudget', 'Eviction'],
    'autoscaling/v1': ['HorizontalPodAutoscaler', 'Scale'],
    'autoscaling/v2': ['HorizontalPodAutoscaler'],
    'scheduling.k8s.io/v1': ['PriorityClass'],
    'authentication.k8s.io/v1': ['TokenRequest', 'TokenReview', 'SelfSubjectReview'],
    'authorization.k8s.io/v1': ['SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'],
  };
  const listless = new Set(['Binding', 'Eviction', 'Scale', 'TokenRequest', 'TokenReview', 'SelfSubjectReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview']);

  it('has a schema for every required kind and its list', () => {
    for (const [apiVersion, kinds] of Object.entries(required)) {
      for (const kind of kinds) {
        assert.ok(hasProtobufSchema(apiVersion, kind), `${apiVersion} ${kind}`);
        if (!listless.has(kind)) assert.ok(hasProtobufSchema(apiVersion, `${kind}List`), `${apiVersion} ${kind}List`);
      }
    }
    for (const kind of ['Status', 'List', 'DeleteOptions', 'WatchEvent']) assert.ok(hasProtobufSchema('v1', kind), kind);
  });

  it('every kind with a schema reaches a fixed point after one round trip', () => {
    for (const [apiVersion, kinds] of Object.entries(KINDS)) {
      for (const kind of Object.keys(kinds)) {
        const normal = roundTrip({ apiVersion, kind, metadata: { name: 'x' } });
        assert.deepEqual(roundTrip(normal), normal, `${apiVersion} ${kind}`);
        assert.equal(normal.kind, kind);
      }
    }
  });
});

describe('errors', () => {
  it('rejects a body without the k8s\\0 prefix', () => {
    assert.throws(() => decodeObject(new TextEncoder().encode('{"kind":"Pod"}')), ProtobufDecodeError);
  });

  it('rejects an unknown kind', () => {
    const body = encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    const patched = Buffer.from(body).toString('latin1').replace('ConfigMap', 'ConfigMop');
    assert.throws(() => decodeObject(Buffer.from(patched, 'latin1')), /no protobuf schema for v1 ConfigMop/);
  });

  it('rejects truncated input', () => {
    const body = encodeObject(fx.deployment);
    for (const cut of [5, 20, body.length - 3]) {
      assert.throws(() => decodeObject(body.subarray(0, cut)), ProtobufDecodeError);
    }
  });

  it('refuses kinds without a schema and values of the wrong JSON type', () => {
    assert.throws(() => encodeObject({ apiVersion: 'example.com/v1', kind: 'Widget' }), ProtobufEncodeError);
    assert.throws(() => encodeObject({ kind: 'Pod' }), ProtobufEncodeError);
    assert.throws(
      () => encodeObject({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 'three' } }),
      /Deployment.spec.replicas: expected a number/,
    );
    assert.throws(() => encodeObject({ apiVersion: 'v1', kind: 'Pod', metadata: { creationTimestamp: 'yesterday' } }), ProtobufEncodeError);
  });
});

describe('watch frames', () => {
  it('frames each event with a 4-byte big-endian length', () => {
    const frame = encodeWatchEvent('ADDED', fx.service);
    assert.equal(new DataView(frame.buffer, frame.byteOffset).getUint32(0), frame.length - 4);
    // The event itself is a bare WatchEvent message (field 1: type), not an envelope.
    assert.equal(frame[4], 0x0a);
  });

  it('decodes a stream split at any byte', () => {
    const frames = [
      encodeWatchEvent('ADDED', fx.pod),
      encodeWatchEvent('MODIFIED', fx.deployment),
      encodeWatchEvent('BOOKMARK', { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '12' } }),
      encodeWatchEvent('ERROR', fx.status),
    ];
    const stream = Buffer.concat(frames);
    const cut = frames[0]!.length + 7;
    const first = decodeWatchEvents(stream.subarray(0, cut));
    assert.equal(first.events.length, 1);
    const rest = decodeWatchEvents(stream.subarray(first.used));
    assert.equal(first.used + rest.used, stream.length);
    const events = [...first.events, ...rest.events];
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'BOOKMARK', 'ERROR']);
    assert.deepEqual(events[0]!.object, fx.pod);
    assert.deepEqual(events[1]!.object, fx.deployment);
    assert.deepEqual(events[2]!.object, { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '12', creationTimestamp: null }, spec: { containers: null }, status: {} });
    assert.deepEqual(events[3]!.object, fx.status);
  });
});
