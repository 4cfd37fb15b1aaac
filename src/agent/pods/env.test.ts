import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { ContainerConfigError, containerEnv, mergeEnv, type EnvSources } from './env.js';

const pod: KubeObject = {
  metadata: { name: 'web', namespace: 'shop', uid: 'u-1', labels: { app: 'web' } },
  spec: { nodeName: 'n1', serviceAccountName: 'default', containers: [{ name: 'c', resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } } }] },
};
const sources: EnvSources = {
  configMap: async (ns, name) => (ns === 'shop' && name === 'cfg' ? { COLOR: 'blue', SIZE: '3' } : undefined),
  secret: async (ns, name) => (ns === 'shop' && name === 'pw' ? { password: 'hunter2' } : undefined),
};
const ctx = { hostIPs: ['10.0.0.5'], podIPs: ['10.42.0.7'], allocatable: { cpu: '2', memory: '4Gi' } };

describe('containerEnv', () => {
  it('resolves envFrom, values with $(VAR), fieldRef, resourceFieldRef and key refs', async () => {
    const env = await containerEnv(pod, {
      name: 'c',
      resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } },
      envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }] as never,
      env: [
        { name: 'GREETING', value: 'hi $(CFG_COLOR)' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'PW', valueFrom: { secretKeyRef: { name: 'pw', key: 'password' } } },
        { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'nope', key: 'x', optional: true } } },
      ] as never,
    }, sources, ctx);
    assert.deepEqual(Object.fromEntries(env), {
      CFG_COLOR: 'blue',
      CFG_SIZE: '3',
      GREETING: 'hi blue',
      POD: 'web',
      APP: 'web',
      IP: '10.42.0.7',
      MEM: '64',
      CPU: '2',
      PW: 'hunter2',
    });
  });

  it("fails with the kubelet's messages for missing sources and keys", async () => {
    await assert.rejects(
      containerEnv(pod, { name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }] as never }, sources, ctx),
      (e: Error) => e instanceof ContainerConfigError && e.message === 'configmap "gone" not found',
    );
    await assert.rejects(
      containerEnv(pod, { name: 'c', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'pw', key: 'user' } } }] as never }, sources, ctx),
      (e: Error) => e.message === "couldn't find key user in Secret shop/pw",
    );
  });
});

describe('mergeEnv', () => {
  it('lets the pod override image env and always sets PATH and HOSTNAME', () => {
    assert.deepEqual(mergeEnv(['A=1', 'B=2'], 'web', [['B', '3']]), ['A=1', 'B=3', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=web']);
  });
});
