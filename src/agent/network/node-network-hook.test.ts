import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RestClient } from '../../client/rest-client.js';
import { silentLogger } from '../../util/log.js';
import { resetRecordedNodeNetwork } from '../reset/reset-network.js';
import { nodeNetworkHook, nodeNetworkRecordPath, readNodeNetworkRecord } from './node-network-hook.js';

const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.42.0.0/24' } };

test('--flannel-backend=none: no pod network (loopback only), recorded for reset', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-nethook-'));
  try {
    // The client is never used without a pod network.
    const hook = nodeNetworkHook({ nodeName: 'n1', dataDir: dir, client: {} as RestClient, flags: { flannelBackend: 'none' }, log: silentLogger() });
    assert.equal(await hook.network(node), undefined);
    assert.deepEqual(readNodeNetworkRecord(dir), { backend: 'none' });
    await hook.stop();
    assert.equal(await resetRecordedNodeNetwork(dir), false);
    assert.equal(existsSync(nodeNetworkRecordPath(dir)), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reset of a node whose network namespace is gone removes only the CNI state and the record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-nethook-'));
  try {
    mkdirSync(join(dir, 'cni', 'networks'), { recursive: true });
    writeFileSync(nodeNetworkRecordPath(dir), JSON.stringify({ backend: 'host-gw', netns: `k8ts-gone-${process.pid}` }));
    assert.equal(await resetRecordedNodeNetwork(dir), true);
    assert.equal(existsSync(join(dir, 'cni')), false);
    assert.equal(readNodeNetworkRecord(dir), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no record: nothing to reset', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-nethook-'));
  try {
    assert.equal(await resetRecordedNodeNetwork(dir), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
