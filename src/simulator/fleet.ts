import type { KubeObject } from '../api/types.js';
import { Informer, objectKey } from '../client/informer.js';
import { WorkQueue } from '../controllers/workqueue.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { isConflict, isNotFound, type FleetApi } from './fleet-api.js';
import { HeartbeatScheduler } from './heartbeats.js';
import { nodeAddress, nodeLease, simulatedNode, simulatedNodeStatus, type SimulatedNodeOptions } from './node-template.js';
import { NodeIpPool, PodCidrs } from './pod-cidrs.js';
import { isRunning, runningPodStatus } from './pod-status.js';

interface SimNode {
  name: string;
  index: number;
  uid?: string;
  hostIP: string;
  ips: NodeIpPool;
}

/** Concurrent pod writes in flight (the registry serializes them anyway; this hides latency over HTTP). */
const podWorkers = 32;

/**
 * A fleet of simulated nodes (what kwok does): each registers a Node with the chosen capacity,
 * labels and taints, renews its Lease and re-posts its status like a kubelet, and "runs" the
 * pods bound to it without containers — they turn Running and Ready with IPs from the node's
 * podCIDR, and go away at once when deleted. One informer and one queue serve every node,
 * so thousands of nodes cost little.
 *
 * @example
 * const fleet = new SimulatedFleet(catalogFleetApi(catalog), 100, { ...defaultSimulatedNodeOptions, labels: { zone: 'z{index%3}' } }, log);
 * await fleet.start();
 */
export class SimulatedFleet {
  private readonly nodes = new Map<string, SimNode>();
  private readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 10_000 });
  private readonly podIPs = new Map<string, { node: string; ip: string }>();
  private pods?: Informer;
  private nodeWatch?: Informer;
  private heartbeats?: HeartbeatScheduler;
  private stopped = false;

  constructor(
    private readonly api: FleetApi,
    readonly count: number,
    private readonly opts: SimulatedNodeOptions,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    const cidrs = new PodCidrs(opts.podCidr, opts.firstIndex + count);
    for (let i = 0; i < count; i++) {
      const index = opts.firstIndex + i;
      const name = `${opts.namePrefix}${index}`;
      this.nodes.set(name, { name, index, hostIP: nodeAddress(index), ips: new NodeIpPool(cidrs.forNode(index)) });
    }
    this.podCIDR = (index) => cidrs.forNode(index);
  }

  private readonly podCIDR: (index: number) => string;

  /** Names of the fleet's nodes, in index order. */
  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  /** Registers every node and its Lease, then starts heartbeats and the pod loop. */
  async start(): Promise<void> {
    const list = [...this.nodes.values()];
    // Register in parallel batches: thousands of nodes should take seconds, not minutes.
    for (let i = 0; i < list.length; i += 64) {
      await Promise.all(list.slice(i, i + 64).map((n) => this.register(n)));
    }
    this.heartbeats = new HeartbeatScheduler(
      list.map((n) => n.name),
      this.opts.heartbeatMs,
      this.opts.statusReportMs,
      {
        renewLease: (name) => this.api.renewLease(nodeLease(name, this.nodes.get(name)!.uid, this.clock.now())),
        reportStatus: (name) => this.postStatus(this.nodes.get(name)!),
      },
      this.log,
    );
    this.heartbeats.start();

    this.nodeWatch = new Informer(this.api.nodes(), this.log);
    this.nodeWatch.on({ update: (_o, n) => this.checkNode(n), add: (n) => this.checkNode(n) });
    await this.nodeWatch.start();

    this.pods = new Informer(this.api.boundPods(), this.log);
    const onPod = (p: KubeObject) => {
      if (this.nodes.has(String((p.spec as { nodeName?: string } | undefined)?.nodeName))) this.queue.add(objectKey(p));
    };
    this.pods.on({ add: onPod, update: (_o, p) => onPod(p), delete: (p) => this.release(objectKey(p)) });
    await this.pods.start();
    void this.queue.run(podWorkers, (key) => this.syncPod(key), (key, err) => this.log.warn({ err, pod: key }, 'simulated pod update failed; retrying'));
    this.log.info({ nodes: list.length, first: list[0]?.name }, 'simulated nodes registered');
  }

  stop(): void {
    this.stopped = true;
    this.heartbeats?.stop();
    this.queue.shutDown();
    this.pods?.stop();
    this.nodeWatch?.stop();
    this.api.close?.();
  }

  private async register(n: SimNode): Promise<void> {
    const now = this.clock.now();
    const node = await this.api.registerNode(simulatedNode(n.name, n.index, this.opts, this.podCIDR(n.index), now));
    n.uid = node.metadata.uid;
    await this.api.renewLease(nodeLease(n.name, n.uid, now));
  }

  private async postStatus(n: SimNode): Promise<void> {
    await this.api.updateNodeStatus(n.name, simulatedNodeStatus(n.name, n.index, this.opts, this.clock.now()));
  }

  /** A kubelet that is alive corrects a Ready condition someone else changed (the lifecycle controller). */
  private checkNode(node: KubeObject): void {
    const n = this.nodes.get(node.metadata.name!);
    if (!n || this.stopped) return;
    n.uid = node.metadata.uid;
    const ready = ((node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
    if (ready && ready.status !== 'True') {
      this.postStatus(n).catch((err) => this.log.warn({ err, node: n.name }, 'simulated node status update failed'));
    }
  }

  private release(key: string): void {
    const held = this.podIPs.get(key);
    if (!held) return;
    this.podIPs.delete(key);
    this.nodes.get(held.node)?.ips.release(held.ip);
  }

  /** Makes one pod look run by its node: Running when new, gone when being deleted. */
  async syncPod(key: string): Promise<void> {
    const pod = this.pods?.get(key);
    if (!pod) return this.release(key);
    const node = this.nodes.get(String((pod.spec as { nodeName?: string }).nodeName));
    if (!node) return;
    try {
      if (pod.metadata.deletionTimestamp) {
        await this.api.deletePod(pod);
        return;
      }
      let held = this.podIPs.get(key);
      if (isRunning(pod)) {
        // Already running (a restart of the fleet): keep its address out of the pool.
        const ip = (pod.status as { podIP?: string }).podIP;
        if (!held && ip && ip !== node.hostIP) {
          node.ips.reserve(ip);
          this.podIPs.set(key, { node: node.name, ip });
        }
        return;
      }
      if (!held || held.node !== node.name) {
        if (held) this.release(key);
        held = { node: node.name, ip: node.ips.allocate() };
        this.podIPs.set(key, held);
      }
      await this.api.updatePodStatus(pod, runningPodStatus(pod, node.hostIP, held.ip, this.clock.now()));
    } catch (err) {
      // Gone, or replaced by a newer pod of the same name: the watch brings what is current.
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
  }
}
