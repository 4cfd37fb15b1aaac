// An acknowledged write survives kill -9 of the server, on SQLite and on etcd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { startEtcd } from '../support/etcd.js';

/** Writes configmaps as fast as possible until killed, recording each one the server acknowledged. */
async function writeUntilKilled(server: TestServer, count: number, killAfter: number): Promise<string[]> {
  const acked: string[] = [];
  let next = 0;
  let killed: Promise<void> | undefined;
  const worker = async () => {
    while (next < count) {
      const name = `cm-${next++}`;
      try {
        const r = await server.request('POST', '/api/v1/namespaces/default/configmaps', {
          body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { n: name } }),
          headers: { 'Content-Type': 'application/json' },
        });
        if (r.status === 201) acked.push(name);
        if (acked.length === killAfter) killed = server.kill9();
      } catch {
        return; // the server is gone
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await killed;
  return acked;
}

async function crashAndRecover(datastoreEndpoint?: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-durable-'));
  try {
    const first = await startK8ts({ dataDir, datastoreEndpoint });
    const acked = await writeUntilKilled(first, 2000, 300);
    assert.ok(acked.length >= 300, `at least 300 writes acknowledged before the kill (got ${acked.length})`);
    assert.equal(first.process.signalCode, 'SIGKILL');
    const second = await startK8ts({ dataDir, datastoreEndpoint });
    try {
      const list = await second.request('GET', '/api/v1/namespaces/default/configmaps');
      const names = new Set((JSON.parse(list.body).items as { metadata: { name: string } }[]).map((i) => i.metadata.name));
      const lost = acked.filter((n) => !names.has(n));
      assert.deepEqual(lost, [], 'every acknowledged configmap is still there');
      // And the store is consistent enough to keep working.
      const again = await second.request('POST', '/api/v1/namespaces/default/configmaps', {
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-crash' } }),
        headers: { 'Content-Type': 'application/json' },
      });
      assert.equal(again.status, 201);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('acknowledged writes survive kill -9 on the embedded SQLite store', async () => {
  await crashAndRecover();
});

test('acknowledged writes survive kill -9 of the server on etcd', async () => {
  const etcd = await startEtcd();
  try {
    await crashAndRecover(etcd.endpoint);
  } finally {
    await etcd.stop();
  }
});
