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
  it('expands $(VAR) against earlier variables and service links, skips invalid envFrom keys with an event', async () => {
    const warnings: string[] = [];
    const env = await containerEnv(pod, {
      name: 'c',
      envFrom: [{ configMapRef: { name: 'odd' } }] as never,
      env: [
        { name: 'URL', value: 'http://$(WEB_SERVICE_HOST):$(PORT)/$$(PORT)/$(NOPE)' },
        { name: 'PORT', value: '8080' },
        { name: 'AGAIN', value: '$(PORT)$' },
        { name: 'WEB_SERVICE_HOST', value: 'mine' },
      ] as never,
    }, { ...sources, configMap: async () => ({ 'good.key': 'v', 'a=b': 'x', '': 'y' }) }, { ...ctx, serviceEnv: [['WEB_SERVICE_HOST', '10.43.0.9']], warn: (r, m) => warnings.push(`${r}: ${m}`) });
    assert.deepEqual(Object.fromEntries(env), { 'good.key': 'v', URL: 'http://10.43.0.9:$(PORT)/$(PORT)/$(NOPE)', PORT: '8080', AGAIN: '8080$', WEB_SERVICE_HOST: 'mine' });
    assert.deepEqual(warnings, ['InvalidEnvironmentVariableNames: Keys [, a=b] from the EnvFrom configMap shop/odd were skipped since they are considered invalid environment variable names.']);
  });

  it('reads fieldRef pod and node facts, and resourceFieldRef falls back to allocatable', async () => {
    const env = await containerEnv({ ...pod, metadata: { ...pod.metadata, annotations: { 'a/b': 'x' } } }, {
      name: 'c',
      env: [
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'ANN', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['a/b']" } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'REQ', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
      ] as never,
    }, sources, { ...ctx, podIPs: ['10.42.0.7', 'fd00::7'] });
    assert.deepEqual(Object.fromEntries(env), { NS: 'shop', UID: 'u-1', ANN: 'x', NODE: 'n1', SA: 'default', HOST: '10.0.0.5', IPS: '10.42.0.7,fd00::7', MEM: '4096', REQ: '0' });
  });
});


describe('mergeEnv', () => {
  it('lets the pod override image env and always sets PATH and HOSTNAME', () => {
    assert.deepEqual(mergeEnv(['A=1', 'B=2'], 'web', [['B', '3']]), ['A=1', 'B=3', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=web']);
  });
});
