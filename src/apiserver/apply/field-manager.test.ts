import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../errors.js';
import { defaultSchemaRegistry } from '../openapi/index.js';
import { FieldManager, type WriteInfo } from './field-manager.js';

const fm = new FieldManager(defaultSchemaRegistry());
const info = (manager: string, now = '2026-01-01T00:00:00Z'): WriteInfo => ({ manager, apiVersion: 'apps/v1', kind: 'Deployment', now, statusSplit: true });

const deployment = (replicas: number, image = 'nginx:1.26', extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80 }] }] } },
    ...extra,
  },
});

describe('FieldManager.apply', () => {
  test('create-on-apply records the configuration as the applier set', () => {
    const out = fm.apply(undefined, deployment(2), info('a'), false);
    const [entry] = out.metadata.managedFields!;
    assert.equal(entry!.manager, 'a');
    assert.equal(entry!.operation, 'Apply');
    assert.equal(entry!.apiVersion, 'apps/v1');
    assert.equal(entry!.fieldsType, 'FieldsV1');
    assert.deepEqual(entry!.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"web"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    });
  });

  test('a second manager changing a shared field conflicts; force takes it over', () => {
    const live = fm.apply(undefined, deployment(2), info('a'), false);
    assert.throws(
      () => fm.apply(live, deployment(3), info('b'), false),
      (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 409);
        assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "a": .spec.replicas');
        assert.deepEqual(err.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.spec.replicas' }]);
        return true;
      },
    );
    const forced = fm.apply(live, deployment(3), info('b'), true);
    assert.equal((forced.spec as { replicas: number }).replicas, 3);
    const [a, b] = forced.metadata.managedFields!;
    assert.equal(a!.manager, 'a');
    assert.equal((a!.fieldsV1 as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas'], undefined);
    assert.deepEqual((b!.fieldsV1 as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas'], {});
  });

  test('same value from two appliers is shared, not a conflict', () => {
    const live = fm.apply(undefined, deployment(2), info('a'), false);
    const out = fm.apply(live, deployment(2), info('b'), false);
    assert.deepEqual(out.metadata.managedFields!.map((m) => m.manager), ['a', 'b']);
  });

  test('fields dropped from the configuration are removed; re-applying unchanged is a no-op', () => {
    const live = fm.apply(undefined, deployment(2, 'nginx:1.26', { paused: true }), info('a'), false);
    const out = fm.apply(live, deployment(2, 'nginx:1.27'), info('a', '2026-01-02T00:00:00Z'), false);
    assert.equal((out.spec as { paused?: boolean }).paused, undefined);
    const again = fm.apply(out, deployment(2, 'nginx:1.27'), info('a', '2026-01-03T00:00:00Z'), false);
    assert.deepEqual(again, out);
  });

  test('a container matched by name keeps fields another manager set', () => {
    const live = fm.apply(undefined, deployment(2), info('a'), false);
    const edited = structuredClone(live);
    (edited.spec as any).template.spec.containers[0].imagePullPolicy = 'Always';
    fm.trackUpdate(edited, live, { ...info('kubectl-edit'), now: '2026-01-02T00:00:00Z' });
    const out = fm.apply(edited, deployment(2, 'nginx:1.27'), info('a'), false);
    assert.deepEqual((out.spec as any).template.spec.containers, [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], imagePullPolicy: 'Always' }]);
  });
});

describe('FieldManager.trackUpdate', () => {
  test('an update takes the fields it changes and names the manager', () => {
    const live = fm.apply(undefined, deployment(2), info('a'), false);
    const next = structuredClone(live);
    (next.spec as { replicas: number }).replicas = 5;
    next.metadata.labels!.tier = 'fe';
    fm.trackUpdate(next, live, info('kubectl-edit'));
    const edit = next.metadata.managedFields!.find((m) => m.manager === 'kubectl-edit')!;
    assert.equal(edit.operation, 'Update');
    assert.deepEqual(edit.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:tier': {} } }, 'f:spec': { 'f:replicas': {} } });
    assert.throws(() => fm.apply(next, deployment(7), info('a'), false), /conflict with "kubectl-edit" using apps\/v1: \.spec\.replicas/);
  });

  test('status writes are recorded with their subresource and never own spec', () => {
    const live = fm.apply(undefined, deployment(2), info('a'), false);
    const next = structuredClone(live);
    next.status = { replicas: 2 };
    fm.trackUpdate(next, live, { ...info('k8ts'), subresource: 'status' });
    const st = next.metadata.managedFields!.find((m) => m.subresource === 'status')!;
    assert.deepEqual(st.fieldsV1, { 'f:status': { 'f:replicas': {} } });
  });

  test('multiple conflicts are grouped by manager', () => {
    const live = fm.apply(undefined, deployment(2), info('a'), false);
    assert.throws(() => fm.apply(live, deployment(3, 'nginx:1.27'), info('b'), false), (err: unknown) => {
      assert.equal(
        (err as Error).message,
        'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
      );
      return true;
    });
  });
});

describe('FieldManager.apply after a managedFields upgrade', () => {
  test('a map the applier owned as a whole keeps the entries it still applies', () => {
    const live = fm.apply(undefined, deployment(2), info('kubectl'), false);
    // kubectl's client-side-apply upgrade hands over sets where maps are members (`.`).
    live.metadata.managedFields![0]!.fieldsV1 = {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:replicas': {}, 'f:template': { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } } },
    };
    const out = fm.apply(live, deployment(2), info('kubectl'), true);
    assert.deepEqual(out.metadata.labels, { app: 'web' });
    assert.deepEqual((out.spec as any).template.metadata.labels, { app: 'web' });
  });
});
