// Each strategic-merge directive and error, on a live Deployment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMergePatch } from './strategic-merge.js';
import { DEPLOYMENT, at, deployment, put } from './strategic-merge-fixtures.js';
import { ApiError } from '../errors.js';

const POD = 'spec.template.spec';
const CONTAINERS = `${POD}.containers`;

function inPodSpec(fields: Record<string, unknown>): Record<string, unknown> {
  return { spec: { template: { spec: fields } } };
}

function fails(patch: Record<string, unknown>, code: number, message: string | RegExp): void {
  assert.throws(
    () => strategicMergePatch(deployment(), patch, DEPLOYMENT),
    (e: unknown) => e instanceof ApiError && e.code === code && (typeof message === 'string' ? e.message === message : message.test(e.message)),
  );
}

test('maps merge recursively and null deletes', () => {
  const out = strategicMergePatch(deployment(), { metadata: { labels: { app: null, tier: 'fe' } }, spec: { revisionHistoryLimit: null, selector: { matchLabels: { tier: 'fe' } } } }, DEPLOYMENT);
  assert.deepEqual(at(out, 'metadata.labels'), { tier: 'fe' });
  assert.equal(at(out, 'spec.revisionHistoryLimit'), undefined);
  assert.deepEqual(at(out, 'spec.selector'), { matchLabels: { app: 'web', tier: 'fe' } });
  assert.equal(at(out, 'metadata.name'), 'web');
});

test('inputs are left untouched and the result shares nothing with them', () => {
  const original = deployment();
  const patch = inPodSpec({ containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'X', value: '1' }] }] });
  const patchCopy = structuredClone(patch);
  const out = strategicMergePatch(original, patch, DEPLOYMENT);
  assert.deepEqual(original, deployment());
  assert.deepEqual(patch, patchCopy);
  put(out, `${CONTAINERS}.1.image`, 'changed');
  assert.equal(at(original, `${CONTAINERS}.1.image`), 'busybox:1.36');
});

test('$patch: replace in a map replaces it; $patch: delete empties it', () => {
  const replaced = strategicMergePatch(deployment(), { spec: { template: { metadata: { labels: { $patch: 'replace', app: 'web2' } } } } }, DEPLOYMENT);
  assert.deepEqual(at(replaced, 'spec.template.metadata.labels'), { app: 'web2' });
  const strategy = strategicMergePatch(deployment(), { spec: { strategy: { $patch: 'replace', type: 'Recreate' } } }, DEPLOYMENT);
  assert.deepEqual(at(strategy, 'spec.strategy'), { type: 'Recreate' });
  const emptied = strategicMergePatch(deployment(), { spec: { selector: { $patch: 'delete' } } }, DEPLOYMENT);
  assert.deepEqual(at(emptied, 'spec.selector'), {});
});

test('a list holding {$patch: replace} becomes the rest of the patch list', () => {
  const out = strategicMergePatch(deployment(), inPodSpec({ containers: [{ $patch: 'replace' }, { name: 'only', image: 'alpine' }] }), DEPLOYMENT);
  assert.deepEqual(at(out, CONTAINERS), [{ name: 'only', image: 'alpine' }]);
  const emptied = strategicMergePatch(deployment(), inPodSpec({ volumes: [{ $patch: 'replace' }] }), DEPLOYMENT);
  assert.deepEqual(at(emptied, `${POD}.volumes`), []);
});

test('{$patch: delete} removes list elements by merge key', () => {
  const out = strategicMergePatch(
    deployment(),
    inPodSpec({ containers: [{ name: 'web', volumeMounts: [{ $patch: 'delete', mountPath: '/etc/web' }] }], volumes: [{ $patch: 'delete', name: 'config' }, { $patch: 'delete', name: 'absent' }] }),
    DEPLOYMENT,
  );
  assert.deepEqual(at(out, `${CONTAINERS}.0.volumeMounts`), [{ name: 'data', mountPath: '/data' }]);
  assert.deepEqual(at(out, `${POD}.volumes`), [{ name: 'data', emptyDir: {} }]);
});

test('$patch: merge is not a directive Kubernetes accepts', () => {
  fails({ spec: { strategy: { $patch: 'merge', type: 'Recreate' } } }, 500, 'unknown patch type: merge in map: map[$patch:merge type:Recreate]');
  fails(inPodSpec({ containers: [{ $patch: 'merge' }] }), 500, 'merging lists cannot yet be specified in the patch');
});

test('an unknown $patch value fails with the map it was found in', () => {
  fails(inPodSpec({ containers: [{ $patch: 'foo', name: 'web' }] }), 500, 'unknown patch type: foo in map: map[$patch:foo name:web]');
  fails({ spec: { $patch: 7 } }, 500, 'unknown patch type: %!s(int64=7) in map: map[$patch:7]');
});

test('$retainKeys clears the fields it does not list (Deployment strategy, volume sources)', () => {
  const recreate = strategicMergePatch(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, DEPLOYMENT);
  assert.deepEqual(at(recreate, 'spec.strategy'), { type: 'Recreate' });
  const volumes = strategicMergePatch(
    deployment(),
    inPodSpec({ volumes: [{ $retainKeys: ['name', 'secret'], name: 'data', secret: { secretName: 'web-data' } }] }),
    DEPLOYMENT,
  );
  assert.deepEqual(at(volumes, `${POD}.volumes`), [
    { name: 'data', secret: { secretName: 'web-data' } },
    { name: 'config', configMap: { name: 'web-config', defaultMode: 420 } },
  ]);
  fails({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } }, 400, 'invalid patch format of retainKeys');
  fails({ spec: { strategy: { $retainKeys: 'type' } } }, 400, 'invalid patch format of retainKeys');
});

test('merge lists of primitives union without duplicates; other primitive lists are replaced', () => {
  const meta = { metadata: { finalizers: ['a', 'b'] } };
  const twice = strategicMergePatch(strategicMergePatch(deployment(), meta, DEPLOYMENT), { metadata: { finalizers: ['b', 'c'] } }, DEPLOYMENT);
  assert.deepEqual(at(twice, 'metadata.finalizers'), ['a', 'b', 'c']);
  const args = strategicMergePatch(deployment(), inPodSpec({ containers: [{ name: 'web', args: ['-v'] }] }), DEPLOYMENT);
  assert.deepEqual(at(args, `${CONTAINERS}.0.args`), ['-v']);
  const tolerations = strategicMergePatch(deployment(), inPodSpec({ tolerations: [{ key: 'gpu', operator: 'Exists' }] }), DEPLOYMENT);
  assert.deepEqual(at(tolerations, `${POD}.tolerations`), [{ key: 'gpu', operator: 'Exists' }]);
});

test('$deleteFromPrimitiveList removes values and rejects malformed keys', () => {
  const withFinalizers = strategicMergePatch(deployment(), { metadata: { finalizers: ['a', 'b', 'c'] } }, DEPLOYMENT);
  const out = strategicMergePatch(withFinalizers, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a', 'c', 'zzz'] } }, DEPLOYMENT);
  assert.deepEqual(at(out, 'metadata.finalizers'), ['b']);
  const none = strategicMergePatch(deployment(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, DEPLOYMENT);
  assert.equal(at(none, 'metadata.finalizers'), undefined);
  fails({ metadata: { $deleteFromPrimitiveList: ['a'] } }, 400, 'invalid patch format of primitive list');
  fails({ metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }, 400, 'invalid patch format of primitive list');
});

test('$setElementOrder reorders a merge list, and must agree with the patch list', () => {
  const swapped = strategicMergePatch(deployment(), inPodSpec({ '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }] }), DEPLOYMENT);
  assert.deepEqual(
    (at(swapped, CONTAINERS) as { name: string }[]).map((c) => c.name),
    ['sidecar', 'web'],
  );
  assert.deepEqual(at(swapped, `${CONTAINERS}.1`), at(deployment(), `${CONTAINERS}.0`));
  fails(
    inPodSpec({ '$setElementOrder/containers': [{ name: 'web' }], containers: [{ name: 'sidecar', image: 'x' }] }),
    500,
    "The order in patch list:\n[map[image:x name:sidecar]]\n doesn't match $setElementOrder list:\n[map[name:web]]\n",
  );
  fails(inPodSpec({ $setElementOrderContainers: [] }), 400, 'invalid patch format of setElementOrder list');
  fails(inPodSpec({ '$setElementOrder/containers': { name: 'web' } }), 500, 'expected a []interface {}, but received a map[string]interface {}');
  fails(inPodSpec({ '$setElementOrder/containers': [{ image: 'x' }] }), 500, 'map: map[image:x] does not contain declared merge key: name');
});

test('malformed lists fail as Kubernetes does', () => {
  fails(inPodSpec({ containers: [{ name: 'web', image: 'x' }, { image: 'y' }] }), 500, 'map: map[image:y] does not contain declared merge key: name');
  fails(inPodSpec({ containers: [{ $patch: 'delete', image: 'y' }] }), 500, 'map: map[$patch:delete image:y] does not contain declared merge key: name');
  const emptyFinalizers = deployment();
  put(emptyFinalizers, 'metadata.finalizers', []);
  assert.throws(
    () => strategicMergePatch(emptyFinalizers, { metadata: { finalizers: [['a']] } }, DEPLOYMENT),
    (e: unknown) => e instanceof ApiError && e.code === 422 && e.reason === 'Invalid' && e.message === 'the server rejected our request due to an error in our request',
  );
  assert.throws(
    () => strategicMergePatch(emptyFinalizers, { metadata: { finalizers: ['a', 1.5] } }, DEPLOYMENT),
    (e: unknown) => e instanceof ApiError && e.code === 500 && e.message === 'list element types are not identical: [[] [a 1.5]]',
  );
  fails(inPodSpec({ containers: ['web'] }), 500, /^list element types are not identical: \[\[map\[.*\] map\[.*\]\] \[web\]\]$/s);
  assert.throws(
    () => strategicMergePatch(deployment(), [] as unknown as Record<string, unknown>, DEPLOYMENT),
    (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'json: cannot unmarshal array into Go value of type map[string]interface {}',
  );
});

test('a list new to the object is taken from the patch, directives and nulls dropped', () => {
  const out = strategicMergePatch(
    deployment(),
    inPodSpec({
      containers: [{ name: 'sidecar', envFrom: [{ configMapRef: { name: 'env' } }] }],
      hostAliases: [{ ip: '10.0.0.1', hostnames: ['db'] }, { $patch: 'delete', ip: '10.0.0.2' }],
      nodeSelector: { disk: 'ssd', zone: null },
    }),
    DEPLOYMENT,
  );
  assert.deepEqual(at(out, `${POD}.hostAliases`), [{ ip: '10.0.0.1', hostnames: ['db'] }]);
  assert.deepEqual(at(out, `${POD}.nodeSelector`), { disk: 'ssd' });
  assert.deepEqual(at(out, `${CONTAINERS}.1.envFrom`), [{ configMapRef: { name: 'env' } }]);
});

test('a value of another shape replaces the live one', () => {
  const out = strategicMergePatch(deployment(), { spec: { strategy: 'odd', replicas: { n: 1 } } }, DEPLOYMENT);
  assert.equal(at(out, 'spec.strategy'), 'odd');
  assert.deepEqual(at(out, 'spec.replicas'), { n: 1 });
});

test('kinds without strategy metadata get a JSON merge patch', () => {
  const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { items: [{ name: 'a', size: 1 }], color: 'red' } };
  const out = strategicMergePatch(widget, { spec: { items: [{ name: 'a', size: 2 }], color: null } }, { group: 'example.com', version: 'v1', kind: 'Widget' });
  assert.deepEqual(out, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { items: [{ name: 'a', size: 2 }] } });
});

test('built-in kinds with no list strategies of their own still merge finalizers', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['a'] }, data: { k: 'v' } };
  const out = strategicMergePatch(cm, { metadata: { finalizers: ['b'] }, data: { k2: 'v2' } }, { group: '', version: 'v1', kind: 'ConfigMap' });
  assert.deepEqual(out, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['b', 'a'] }, data: { k: 'v', k2: 'v2' } });
});
