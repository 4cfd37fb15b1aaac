// Test support for controllers: a real registry (every built-in kind) over a throwaway SQLite
// store, with a clock the test can move.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinResources } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { ResourceCatalog } from '../apiserver/registry/catalog.js';
import { openSqliteStore } from '../storage/sqlite-store.js';

export interface TestCatalog {
  catalog: ResourceCatalog;
  clock: { now(): number; advance(ms: number): void };
  close(): Promise<void>;
}

/** Opens a catalog with namespaces `default` (and any others named) already created. */
export async function openTestCatalog(namespaces: string[] = []): Promise<TestCatalog> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-controller-test-'));
  const storage = openSqliteStore(join(dir, 'state.db'));
  let now = Date.parse('2025-01-01T00:00:00Z');
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const catalog = new ResourceCatalog(builtinResources, storage, clock);
  for (const name of ['default', ...namespaces]) await catalog.lookup('', 'v1', 'namespaces')!.create(undefined, { metadata: { name } });
  return {
    catalog,
    clock,
    close: async () => {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Acts as a kubelet would: the pod runs and is Ready (status subresource). */
export async function markPodReady(catalog: ResourceCatalog, namespace: string, name: string, nowMs: number, ip = '10.42.0.9'): Promise<void> {
  const at = new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  await catalog.lookup('', 'v1', 'pods')!.update(namespace, name, (pod) => {
    const containers = ((pod.spec as { containers?: { name: string; image?: string }[] }).containers ?? []);
    pod.status = {
      ...(pod.status as object),
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      startTime: at,
      conditions: [
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at },
        { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: at },
        { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: at },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at },
      ],
      containerStatuses: containers.map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: at } } })),
    };
    return pod;
  }, { subresource: 'status' });
}

/**
 * A stand-in kubelet for controller tests: every new pod accepted by `accept` is marked
 * Running and Ready. Returns the function that stops it.
 */
export function autoReadyPods(t: TestCatalog, accept: (pod: KubeObject) => boolean = () => true): () => void {
  let stopped = false;
  let n = 0;
  const pods = t.catalog.lookup('', 'v1', 'pods')!;
  const pending = pods.watch(undefined, {
    resourceVersion: '0',
    onEvent: (type, pod) => {
      if (stopped || type !== 'ADDED' || pod.metadata.deletionTimestamp || !accept(pod)) return;
      const ip = `10.42.${(n >> 8) & 255}.${n++ & 255}`;
      void markPodReady(t.catalog, pod.metadata.namespace!, pod.metadata.name!, t.clock.now(), ip).catch(() => undefined);
    },
    onError: () => undefined,
  });
  return () => {
    stopped = true;
    void pending.then((w) => w.stop());
  };
}
