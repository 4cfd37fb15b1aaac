import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../apiserver/errors.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { RestClient } from '../../client/rest-client.js';
import { nodeLease } from '../../simulator/node-template.js';
import type { Clock } from '../../util/clock.js';
import { rfc3339Micro } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { NodeFacts } from './node-info.js';
import { conditionTransitionEvents, nodeObject, nodeStatus, statusChanged, type NodePressure } from './node-object.js';

export interface NodeRegistrarOptions {
  client: RestClient;
  name: string;
  facts: () => NodeFacts;
  kubeletPort: number;
  images: () => Promise<{ names: string[]; sizeBytes: number }[]>;
  controlPlane: boolean;
  recorder: EventRecorder;
  clock: Clock;
  log: Logger;
  /** The eviction manager's pressure conditions (none without it). */
  pressure?: () => NodePressure | undefined;
  /** Lease renewal interval (kubelet: 10 s). */
  leaseRenewMs?: number;
  /** Status is checked this often and posted when changed (kubelet nodeStatusUpdateFrequency: 10 s)… */
  statusCheckMs?: number;
  /** …and at least this often anyway (kubelet nodeStatusReportFrequency: 5 min). */
  statusReportMs?: number;
}

const nodePath = (name: string) => `/api/v1/nodes/${encodeURIComponent(name)}`;
const leasePath = (name: string) => `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${encodeURIComponent(name)}`;

/**
 * Registers the Node and keeps it alive like the kubelet: creates it (or reconciles labels
 * on an existing one), posts status when it changes and every few minutes, and renews its
 * Lease in kube-node-lease every 10 s.
 */
export class NodeRegistrar {
  private node?: KubeObject;
  private lease?: KubeObject;
  private lastReport = 0;
  private timers: NodeJS.Timeout[] = [];
  private busy = { lease: false, status: false };

  constructor(private readonly opts: NodeRegistrarOptions) {}

  get registered(): KubeObject | undefined {
    return this.node;
  }

  private async status(ready: boolean): Promise<Record<string, unknown>> {
    const images = await this.opts.images().catch(() => []);
    return nodeStatus({ facts: this.opts.facts(), kubeletPort: this.opts.kubeletPort, images, ready, pressure: this.opts.pressure?.(), now: this.opts.clock.now(), old: this.node?.status as Record<string, unknown> });
  }

  /** Creates or updates the Node object and its first status; resolves when the node is Ready. */
  async register(): Promise<KubeObject> {
    const { client, name } = this.opts;
    const facts = this.opts.facts();
    const status = await this.status(true);
    const desired = nodeObject(name, facts, { controlPlane: this.opts.controlPlane, status });
    let created = false;
    try {
      this.node = await client.get(nodePath(name));
      this.node = await client.patch(nodePath(name), { metadata: { labels: desired.metadata.labels, annotations: desired.metadata.annotations } });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
      this.node = await client.create('/api/v1/nodes', desired);
      created = true;
    }
    this.node = await client.patch(`${nodePath(name)}/status`, { status });
    this.lastReport = this.opts.clock.now();
    this.recordStartup(created);
    await this.renewLease();
    return this.node;
  }

  private recordStartup(created: boolean): void {
    const ref = { kind: 'Node', name: this.opts.name, uid: this.opts.name, apiVersion: 'v1' };
    const r = this.opts.recorder;
    r.event(ref, 'Normal', 'Starting', 'Starting kubelet.');
    if (created) {
      for (const s of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) r.event(ref, 'Normal', s, `Node ${this.opts.name} status is now: ${s}`);
    }
    r.event(ref, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
    r.event(ref, 'Normal', 'NodeReady', `Node ${this.opts.name} status is now: NodeReady`);
  }

  start(): void {
    const every = (ms: number, key: 'lease' | 'status', fn: () => Promise<void>) => {
      const t = setInterval(() => {
        if (this.busy[key]) return;
        this.busy[key] = true;
        fn()
          .catch((err) => this.opts.log.warn({ err }, `node ${key} update failed`))
          .finally(() => (this.busy[key] = false));
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.leaseRenewMs ?? 10_000, 'lease', () => this.renewLease());
    every(this.opts.statusCheckMs ?? 10_000, 'status', () => this.reportStatus(false));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Posts the node status if it changed, or if the last report is too old (or when forced). */
  async reportStatus(force: boolean): Promise<void> {
    const status = await this.status(true);
    const stale = this.opts.clock.now() - this.lastReport >= (this.opts.statusReportMs ?? 5 * 60_000);
    if (!force && !stale && !statusChanged(this.node?.status as Record<string, unknown>, status)) return;
    const before = this.node?.status as Record<string, unknown> | undefined;
    this.node = await this.opts.client.patch(`${nodePath(this.opts.name)}/status`, { status });
    this.lastReport = this.opts.clock.now();
    this.recordTransitions(before, status);
  }

  /** Events for condition changes, as the kubelet's node status setters record them (NodeHasInsufficientMemory …). */
  private recordTransitions(before: Record<string, unknown> | undefined, after: Record<string, unknown>): void {
    const ref = { kind: 'Node', name: this.opts.name, uid: this.opts.name, apiVersion: 'v1' };
    for (const e of conditionTransitionEvents(before, after)) this.opts.recorder.event(ref, 'Normal', e, `Node ${this.opts.name} status is now: ${e}`);
  }

  async renewLease(): Promise<void> {
    const { client, name, clock } = this.opts;
    const now = clock.now();
    if (this.lease) {
      try {
        const next = structuredClone(this.lease);
        (next.spec as Record<string, unknown>).renewTime = rfc3339Micro(now);
        this.lease = await client.update(leasePath(name), next);
        return;
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 409 || err.code === 404))) throw err;
        this.lease = undefined;
      }
    }
    try {
      const current = await client.get(leasePath(name));
      (current.spec as Record<string, unknown>) = { ...(current.spec as object), holderIdentity: name, leaseDurationSeconds: 40, renewTime: rfc3339Micro(now) };
      this.lease = await client.update(leasePath(name), current);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
      this.lease = await client.create('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', nodeLease(name, this.node?.metadata.uid, now));
    }
  }
}
