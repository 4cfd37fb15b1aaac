import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../apiserver/errors.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { Informer } from '../../client/informer.js';
import { storeListWatch } from '../../client/list-watch.js';
import { KeyExistsError, KeyNotFoundError } from '../../storage/errors.js';
import type { Store } from '../../storage/store.js';
import type { Logger } from '../../util/log.js';
import { WorkQueue } from '../workqueue.js';
import { PodCidrSet } from './pod-cidr-set.js';

const claimPrefix = '/registry/ranges/podcidrs/';

function podCIDRsOf(node: KubeObject): string[] {
  const spec = (node.spec ?? {}) as { podCIDR?: string; podCIDRs?: string[] };
  return spec.podCIDRs?.length ? spec.podCIDRs : spec.podCIDR ? [spec.podCIDR] : [];
}

function claimKey(cidr: string): string {
  return claimPrefix + cidr.replace('/', '-');
}

/**
 * Gives every Node a pod range from `--cluster-cidr` (kube-controller-manager's nodeipam
 * range allocator): `spec.podCIDR` / `spec.podCIDRs` are set once a node registers. Each
 * range is also claimed under its own storage key (create-if-absent), so servers sharing
 * one etcd never hand a range out twice; a deleted node's range is freed.
 *
 * @example
 * const ipam = new NodeIpamController(catalog, store, { clusterCidr: '10.42.0.0/16' }, log);
 * await ipam.start();
 */
export class NodeIpamController {
  private readonly set: PodCidrSet;
  private readonly nodes: Informer;
  private readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 30_000 });
  private readonly recorder: EventRecorder;
  private next = 0;

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly store: Store,
    opts: { clusterCidr: string; nodeCidrMaskSize?: number },
    private readonly log: Logger,
  ) {
    this.set = new PodCidrSet(opts.clusterCidr, opts.nodeCidrMaskSize ?? 24);
    this.nodes = new Informer(storeListWatch(this.nodeStore()), log);
    this.recorder = new EventRecorder(catalog, { component: 'cidrAllocator' }, undefined, log);
  }

  private nodeStore() {
    return this.catalog.lookup('', 'v1', 'nodes')!;
  }

  async start(): Promise<void> {
    this.nodes.on({
      add: (n) => this.queue.add(n.metadata.name!),
      update: (_o, n) => this.queue.add(n.metadata.name!),
      delete: (n) => {
        this.queue.add(n.metadata.name!);
        // Its range is free again: nodes still waiting for one can have it.
        for (const w of this.nodes.list()) if (podCIDRsOf(w).length === 0) this.queue.add(w.metadata.name!);
      },
    });
    await this.nodes.start();
    await this.repair();
    void this.queue.run(1, (name) => this.reconcile(name), (name, err) => this.log.warn({ err, node: name }, 'node CIDR allocation failed; retrying'));
  }

  stop(): void {
    this.nodes.stop();
    this.queue.shutDown();
  }

  /** Frees claims whose node is gone (deleted while no server ran). */
  private async repair(): Promise<void> {
    const { items } = await this.store.list(claimPrefix);
    for (const kv of items) {
      if (this.nodes.get(kv.value)) continue;
      await this.store.delete(kv.key, { modRevision: kv.modRevision }).catch(() => undefined);
    }
  }

  private async claim(cidr: string, node: string): Promise<boolean> {
    try {
      await this.store.create(claimKey(cidr), node);
      return true;
    } catch (err) {
      if (!(err instanceof KeyExistsError)) throw err;
      return (await this.store.get(claimKey(cidr)))?.value === node;
    }
  }

  private async release(cidr: string, node: string): Promise<void> {
    const kv = await this.store.get(claimKey(cidr));
    if (!kv || kv.value !== node) return;
    await this.store.delete(kv.key, { modRevision: kv.modRevision }).catch((err) => {
      if (!(err instanceof KeyNotFoundError)) throw err;
    });
  }

  async reconcile(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) {
      const { items } = await this.store.list(claimPrefix);
      for (const kv of items) if (kv.value === name) await this.release(kv.key.slice(claimPrefix.length).replace('-', '/'), name);
      return;
    }
    const have = podCIDRsOf(node);
    if (have.length > 0) {
      // Make a range written by someone else (or before a restart) ours, so it is not handed out again.
      for (const c of have) if (this.set.indexOf(c) !== undefined) await this.claim(c, name);
      return;
    }
    const used = new Set<number>();
    for (const n of this.nodes.list()) for (const c of podCIDRsOf(n)) {
      const i = this.set.indexOf(c);
      if (i !== undefined) used.add(i);
    }
    for (let k = 0; k < this.set.count; k++) {
      const i = (this.next + k) % this.set.count;
      if (used.has(i)) continue;
      const cidr = this.set.cidr(i);
      if (!(await this.claim(cidr, name))) continue;
      this.next = (i + 1) % this.set.count;
      try {
        await this.nodeStore().update(undefined, name, (cur) => {
          if (podCIDRsOf(cur).length > 0) throw new ApiError(409, 'Conflict', 'podCIDR already set');
          return { ...cur, spec: { ...(cur.spec as object), podCIDR: cidr, podCIDRs: [cidr] } };
        });
        this.log.info({ node: name, podCIDR: cidr }, 'allocated pod CIDR');
      } catch (err) {
        await this.release(cidr, name);
        if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return;
        throw err;
      }
      return;
    }
    this.recorder.event(node, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
    throw new Error(`no pod CIDR left in ${this.set.clusterCidr} for node ${name}`);
  }
}
