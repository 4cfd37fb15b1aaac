import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { mountServiceAccountToken, serviceAccountMountPath } from './service-account-admission.js';

const pod = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({ metadata: { name: 'p', namespace: 'default', ...(annotations ? { annotations } : {}) }, spec });

test('adds the kube-api-access projected volume and mounts it in every container', () => {
  const p = pod({ initContainers: [{ name: 'i' }], containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'x', mountPath: '/x' }] }] });
  mountServiceAccountToken(p, undefined);
  const spec = p.spec as any;
  assert.equal(spec.volumes.length, 1);
  assert.match(spec.volumes[0].name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(spec.volumes[0].projected.sources.map((s: object) => Object.keys(s)[0]), ['serviceAccountToken', 'configMap', 'downwardAPI']);
  assert.equal(spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds, 3607);
  for (const c of [...spec.initContainers, ...spec.containers]) assert.deepEqual(c.volumeMounts.at(-1), { name: spec.volumes[0].name, readOnly: true, mountPath: serviceAccountMountPath });
});

test('opt-outs: the pod, its service account, a mirror pod, a container with its own mount', () => {
  for (const [p, sa] of [
    [pod({ automountServiceAccountToken: false, containers: [{ name: 'a' }] }), undefined],
    [pod({ containers: [{ name: 'a' }] }), { automountServiceAccountToken: false }],
    [pod({ containers: [{ name: 'a' }] }, { 'kubernetes.io/config.mirror': 'x' }), undefined],
    [pod({ containers: [{ name: 'a', volumeMounts: [{ name: 't', mountPath: serviceAccountMountPath }] }], volumes: [{ name: 't', emptyDir: {} }] }), undefined],
  ] as const) {
    mountServiceAccountToken(p, sa);
    assert.ok(!((p.spec as any).volumes ?? []).some((v: any) => v.name.startsWith('kube-api-access-')));
  }
  // The pod's own setting wins over its service account's.
  const p = pod({ automountServiceAccountToken: true, containers: [{ name: 'a' }] });
  mountServiceAccountToken(p, { automountServiceAccountToken: false });
  assert.equal((p.spec as any).volumes.length, 1);
});
