import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSchemaRegistry } from '../openapi/index.js';
import { compare } from './compare.js';
import { FieldSet } from './field-set.js';
import { merge, removeItems } from './merge.js';
import { toFieldSet } from './to-field-set.js';
import { TypeView } from './type-view.js';

const reg = defaultSchemaRegistry();
const view = new TypeView(reg);
const pod = view.node(reg.schemaFor('v1', 'Pod'));
const untyped = view.node(undefined);

test('merge: map lists by key keep live-only elements in place; sets take the union; atomic lists are replaced', () => {
  const live = {
    metadata: { finalizers: ['a'] },
    spec: { containers: [{ name: 'a', image: '1', args: ['x'] }, { name: 'side', image: 's' }], tolerations: [{ key: 'k' }] },
  };
  const cfg = { metadata: { finalizers: ['b'] }, spec: { containers: [{ name: 'a', image: '2', args: ['y'] }, { name: 'new', image: 'n' }], tolerations: [] } };
  assert.deepEqual(merge(view, live, cfg, pod), {
    metadata: { finalizers: ['a', 'b'] },
    spec: {
      containers: [{ name: 'a', image: '2', args: ['y'] }, { name: 'side', image: 's' }, { name: 'new', image: 'n' }],
      tolerations: [],
    },
  });
  assert.deepEqual(live.spec.containers[0], { name: 'a', image: '1', args: ['x'] }, 'inputs untouched');
});

test('ports without protocol find their TCP element', () => {
  const live = { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] }] } };
  const cfg = { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }] } };
  assert.deepEqual(merge(view, live, cfg, pod), live);
});

test('compare reports added, modified and removed fields, whole new elements as members', () => {
  const a = { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: 'b' }] } };
  const b = { spec: { containers: [{ name: 'a', image: '2' }, { name: 'c', image: 'c' }], hostname: 'h' } };
  const c = compare(view, a, b, pod);
  assert.deepEqual(c.modified.toFieldsV1(), { 'f:spec': { 'f:containers': { 'k:{"name":"a"}': { 'f:image': {} } } } });
  assert.deepEqual(c.added.toFieldsV1(), { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } }, 'f:hostname': {} } });
  assert.deepEqual(c.removed.toFieldsV1(), { 'f:spec': { 'f:containers': { 'k:{"name":"b"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } });
  assert.ok(compare(view, a, structuredClone(a), pod).added.empty);
});

test('untyped data: objects are granular, lists atomic', () => {
  const s = toFieldSet(view, { a: { b: 1 }, l: [1, 2] }, untyped);
  // Map entries of free-form data are members themselves, as for any map that is not a struct.
  assert.deepEqual(s.toFieldsV1(), { 'f:a': { '.': {}, 'f:b': {} }, 'f:l': {} });
});

test('removeItems deletes members, keeping maps that still hold owned entries', () => {
  const obj = { metadata: { labels: { app: 'x', tier: 'fe' } }, spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '2' }] } };
  const drop = FieldSet.fromFieldsV1({ 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {}, 'f:tier': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"b"}': { '.': {} } } } });
  const keep = FieldSet.fromFieldsV1({ 'f:metadata': { 'f:labels': { 'f:app': {} } } });
  removeItems(view, obj, drop.difference(keep), pod, keep);
  assert.deepEqual(obj, { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'a', image: '1' }] } });
});

test('decoder paths print as server-side apply paths', async () => {
  const { typedPath } = await import('./typed-path.js');
  const value = { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80 }] }], tolerations: [{ key: 'k' }] }, metadata: { finalizers: ['f'] } };
  assert.equal(typedPath(view, pod, value, 'spec.containers[0].ports[0].bogus'), '.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"].bogus');
  assert.equal(typedPath(view, pod, value, 'spec.tolerations[0].bogus'), '.spec.tolerations[0].bogus');
  assert.equal(typedPath(view, pod, value, 'spec.bogus'), '.spec.bogus');
});

test('merged lists take the configuration order for the items it names', () => {
  const c = (...names: string[]) => ({ spec: { containers: names.map((name) => ({ name })) } });
  const names = (v: unknown) => (v as { spec: { containers: { name: string }[] } }).spec.containers.map((x) => x.name);
  assert.deepEqual(names(merge(view, c('a', 'b'), c('b', 'a'), pod)), ['b', 'a']);
  assert.deepEqual(names(merge(view, c('a', 'side', 'b'), c('a', 'new', 'b'), pod)), ['a', 'side', 'new', 'b']);
  assert.deepEqual(names(merge(view, c('x', 'a'), c('a'), pod)), ['x', 'a']);
  assert.deepEqual(names(merge(view, c('b', 'a', 'z'), c('a', 'b'), pod)), ['a', 'z', 'b']);
});
