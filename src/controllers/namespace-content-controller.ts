import type { KubeObject } from '../api/types.js';
import { ApiError } from '../apiserver/errors.js';
import type { GenericStore } from '../apiserver/registry/generic-store.js';
import type { Logger } from '../util/log.js';
import { WorkQueue } from './workqueue.js';

/**
 * Keeps one object in every active namespace (the `default` ServiceAccount, the
 * `kube-root-ca.crt` ConfigMap): recreates it when deleted, restores it when changed.
 * Level-triggered on namespace keys.
 */
export class NamespaceContentController {
  private readonly queue = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 30_000 });
  private readonly watchers: { stop(): void }[] = [];

  constructor(
    private readonly name: string,
    private readonly namespaces: GenericStore,
    private readonly target: GenericStore,
    /** The object wanted in a namespace. */
    private readonly desired: (namespace: string) => KubeObject,
    /** Whether the existing object still says what it should (else it is rewritten). */
    private readonly upToDate: (existing: KubeObject, want: KubeObject) => boolean,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.watchers.push(
      await this.namespaces.watch(undefined, {
        resourceVersion: '0',
        onEvent: (type, ns) => type !== 'DELETED' && this.queue.add(ns.metadata.name!),
        onError: (err) => this.log.error({ err }, `${this.name}: namespace watch failed`),
      }),
      await this.target.watch(undefined, {
        resourceVersion: '0',
        fields: [{ field: 'metadata.name', op: '=', value: this.desired('x').metadata.name! }],
        onEvent: (_type, obj) => this.queue.add(obj.metadata.namespace!),
        onError: (err) => this.log.error({ err }, `${this.name}: watch failed`),
      }),
    );
    void this.queue.run(1, (ns) => this.reconcile(ns), (ns, err) => this.log.warn({ err, namespace: ns }, `${this.name} failed; retrying`));
  }

  stop(): void {
    for (const w of this.watchers) w.stop();
    this.queue.shutDown();
  }

  async reconcile(namespace: string): Promise<void> {
    const ns = await this.namespaces.get(undefined, namespace).catch((err) => {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    });
    if (!ns || ns.metadata.deletionTimestamp) return;
    const want = this.desired(namespace);
    const name = want.metadata.name!;
    const existing = await this.target.get(namespace, name).catch((err) => {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    });
    try {
      if (!existing) await this.target.create(namespace, want);
      else if (!existing.metadata.deletionTimestamp && !this.upToDate(existing, want)) {
        await this.target.update(namespace, name, (cur) => ({ ...cur, ...want, metadata: { ...cur.metadata, ...want.metadata } }));
      }
    } catch (err) {
      // A namespace that started terminating meanwhile refuses new content: nothing to do.
      if (err instanceof ApiError && (err.code === 409 || err.code === 403)) return;
      throw err;
    }
  }
}
