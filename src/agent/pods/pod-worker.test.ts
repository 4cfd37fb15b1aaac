import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import type { RestClient } from '../../client/rest-client.js';
import { silentLogger } from '../../util/log.js';
import type { PodSyncer } from './pod-sync.js';
import { PodWorker } from './pod-worker.js';
import type { StatusManager } from './status-manager.js';

/** A syncer that records what the worker asked of it (the worker's logic is under test, not the runtime). */
function recorder(opts: { terminalAfter?: number; failed?: boolean } = {}) {
  const calls: string[] = [];
  let syncs = 0;
  let releaseKill: (() => void) | undefined;
  const syncer = {
    initialStatus: async () => ({ phase: 'Pending' }),
    sync: async () => {
      syncs++;
      calls.push('sync');
      return { status: { phase: 'Running' }, terminal: opts.terminalAfter !== undefined && syncs >= opts.terminalAfter, failed: opts.failed };
    },
    kill: async (_pod: KubeObject, grace: number) => {
      calls.push(`kill:${grace}`);
      await new Promise<void>((r) => (releaseKill = r));
      return { phase: 'Failed' };
    },
    killNow: async () => void calls.push('killNow'),
    reject: (_pod: KubeObject, reason: string, message: string) => (calls.push(`reject:${reason}`), { phase: 'Failed', reason, message: `Pod was rejected: ${message}` }),
    cleanup: async () => void calls.push('cleanup'),
  } as unknown as PodSyncer;
  const statuses = { set: async (_p: KubeObject, s: Record<string, unknown>) => void calls.push(`status:${s.phase}`), forget: () => undefined } as unknown as StatusManager;
  const deletes: unknown[] = [];
  const client = { delete: async (_path: string, body: unknown) => void deletes.push(body) } as unknown as RestClient;
  return { syncer, statuses, client, calls, deletes, releaseKill: () => releaseKill?.() };
}

const pod = (extra: Partial<KubeObject['metadata']> = {}, status: Record<string, unknown> = { containerStatuses: [] }): KubeObject => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u1', ...extra },
  spec: { terminationGracePeriodSeconds: 30 },
  status,
});

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PodWorker', () => {
  it('does not sync again for the status it wrote itself, but does for a spec or label change', async () => {
    const r = recorder();
    const w = new PodWorker(pod(), { syncer: r.syncer, statuses: r.statuses, client: r.client, log: silentLogger(), onFinished: () => undefined });
    w.update(pod({ resourceVersion: '1' }));
    await settle();
    assert.deepEqual(r.calls, ['sync', 'status:Running']);
    // The agent's own status write comes back from the watch: a new resourceVersion, new status.
    w.update(pod({ resourceVersion: '2' }, { phase: 'Running', containerStatuses: [{ name: 'c', ready: true }] }));
    await settle();
    assert.deepEqual(r.calls, ['sync', 'status:Running'], 'a status-only update is no reason to sync');
    assert.equal((w.current.metadata as { resourceVersion?: string }).resourceVersion, '2', 'the newest copy is still kept');
    w.update({ ...pod({ resourceVersion: '3' }), spec: { terminationGracePeriodSeconds: 30, activeDeadlineSeconds: 5 } });
    await settle();
    assert.equal(r.calls.filter((c) => c === 'sync').length, 2, 'a spec change syncs');
    w.update({ ...pod({ resourceVersion: '4', labels: { a: 'b' } }), spec: { terminationGracePeriodSeconds: 30, activeDeadlineSeconds: 5 } });
    await settle();
    assert.equal(r.calls.filter((c) => c === 'sync').length, 3, 'a label change syncs');
    w.wake();
    await settle();
    assert.equal(r.calls.filter((c) => c === 'sync').length, 4, 'a wake (container exit, probe, volume) syncs');
    w.stop();
  });

  it('retries a failed sync after a back-off, with no update to wake it', async () => {
    const r = recorder({ failed: true });
    const w = new PodWorker(pod(), { syncer: r.syncer, statuses: r.statuses, client: r.client, log: silentLogger(), onFinished: () => undefined });
    w.update(pod());
    await settle();
    assert.deepEqual(r.calls, ['sync', 'status:Running']);
    await until(() => r.calls.filter((c) => c === 'sync').length >= 2, 'the retry of the failed sync');
    w.stop();
  });

  it('syncs, then on deletion kills with the grace period, reports, and deletes the API object', async () => {
    const r = recorder();
    let finished = false;
    const w = new PodWorker(pod(), { syncer: r.syncer, statuses: r.statuses, client: r.client, log: silentLogger(), onFinished: () => (finished = true) });
    w.update(pod());
    await settle();
    assert.deepEqual(r.calls, ['sync', 'status:Running']);
    w.update(pod({ deletionTimestamp: '2024-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 }));
    await settle();
    assert.deepEqual(r.calls.slice(2), ['kill:30']);
    r.releaseKill();
    await settle();
    assert.deepEqual(r.calls.slice(3), ['status:Failed']);
    assert.deepEqual(r.deletes, [{ apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: 'u1' } }]);
    assert.equal(w.state.kind, 'terminated');
    w.update(pod({ deletionTimestamp: '2024-01-01T00:00:00Z' }));
    await settle();
    assert.equal(r.calls.filter((c) => c === 'sync').length, 1, 'a terminated pod never syncs again');
    w.remove();
    await settle();
    assert.ok(r.calls.includes('cleanup'));
    assert.equal(finished, true);
  });

  it('shortens a pending kill when a shorter grace period arrives, never lengthens it', async () => {
    const r = recorder();
    const w = new PodWorker(pod(), { syncer: r.syncer, statuses: r.statuses, client: r.client, log: silentLogger(), onFinished: () => undefined });
    w.update(pod({ deletionTimestamp: 'x', deletionGracePeriodSeconds: 30 }));
    await settle();
    w.update(pod({ deletionTimestamp: 'x', deletionGracePeriodSeconds: 60 }));
    assert.deepEqual(w.state, { kind: 'terminating', graceSeconds: 30 });
    w.update(pod({ deletionTimestamp: 'x', deletionGracePeriodSeconds: 0 }));
    assert.deepEqual(w.state, { kind: 'terminating', graceSeconds: 2 }, 'the kubelet waits at least 2 s');
    w.remove();
    await new Promise((res) => setTimeout(res, 1100));
    assert.ok(r.calls.includes('killNow'));
    r.releaseKill();
    w.stop();
  });

  it('tears a pod down once its containers are done for good', async () => {
    const r = recorder({ terminalAfter: 1 });
    const w = new PodWorker(pod(), { syncer: r.syncer, statuses: r.statuses, client: r.client, log: silentLogger(), onFinished: () => undefined });
    w.update(pod());
    await settle();
    assert.deepEqual(r.calls, ['sync', 'status:Running', 'kill:1']);
    r.releaseKill();
    await settle();
    assert.equal(w.state.kind, 'terminated');
    assert.deepEqual(r.deletes, [], 'a finished pod stays in the API until someone deletes it');
  });

  it('rejects a pod with a forbidden sysctl without syncing it, and deletes it when asked', async () => {
    const r = recorder();
    const bad = { ...pod(), spec: { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } } };
    const w = new PodWorker(bad, { syncer: r.syncer, statuses: r.statuses, client: r.client, log: silentLogger(), onFinished: () => undefined });
    w.update(bad);
    await settle();
    assert.deepEqual(r.calls, ['reject:SysctlForbidden', 'status:Failed']);
    w.update({ ...bad, metadata: { ...bad.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } });
    await settle();
    assert.equal(r.deletes.length, 1);
    assert.deepEqual(r.calls, ['reject:SysctlForbidden', 'status:Failed']);
  });
});
