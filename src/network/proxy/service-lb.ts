import type { KubeObject } from '../../api/types.js';
import { Informer, objectKey, splitKey } from '../../client/informer.js';
import { WorkQueue } from '../../controllers/workqueue.js';
import type { Logger } from '../../util/log.js';
import type { NetworkApi } from '../cluster-api.js';

interface Ingress {
  ip: string;
  ipMode?: string;
}

interface NodeShape {
  status?: { addresses?: { type: string; address: string }[]; conditions?: { type: string; status: string }[] };
  spec?: { unschedulable?: boolean };
}

/** The address a node serves load balancers on: its ExternalIP, else its InternalIP (IPv4). */
export function nodeServiceAddress(node: KubeObject): string | undefined {
  const addresses = ((node as NodeShape).status?.addresses ?? []).filter((a) => !a.address.includes(':'));
  return (addresses.find((a) => a.type === 'ExternalIP') ?? addresses.find((a) => a.type === 'InternalIP'))?.address;
}

function ready(node: KubeObject): boolean {
  return ((node as NodeShape).status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The ingress list ServiceLB gives a LoadBalancer Service: every ready node's address, sorted. */
export function loadBalancerIngress(nodes: KubeObject[]): Ingress[] {
  const ips = new Set<string>();
  for (const n of nodes) {
    const ip = ready(n) ? nodeServiceAddress(n) : undefined;
    if (ip) ips.add(ip);
  }
  return [...ips].sort().map((ip) => ({ ip, ipMode: 'VIP' }));
}

function currentIngress(svc: KubeObject): Ingress[] {
  return ((svc.status as { loadBalancer?: { ingress?: Ingress[] } } | undefined)?.loadBalancer?.ingress ?? []);
}

/**
 * k3s's ServiceLB in spirit: a `type: LoadBalancer` Service is served on the nodes' own
 * addresses (the service proxy answers on them), so its `status.loadBalancer.ingress` lists
 * the ready nodes' ExternalIP or InternalIP. Services with a `loadBalancerClass` belong to
 * another implementation and are left alone.
 *
 * @example
 * const lb = new ServiceLoadBalancerController(catalogNetworkApi(catalog), log);
 * await lb.start();
 */
export class ServiceLoadBalancerController {
  private readonly services: Informer;
  private readonly nodes: Informer;
  private readonly queue = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 30_000 });

  constructor(
    private readonly api: NetworkApi,
    private readonly log?: Logger,
  ) {
    this.services = new Informer(api.listWatch('services'), log);
    this.nodes = new Informer(api.listWatch('nodes'), log);
  }

  async start(): Promise<void> {
    const enqueue = (s: KubeObject) => this.queue.add(objectKey(s));
    const all = () => {
      for (const s of this.services.list()) if (this.managed(s)) enqueue(s);
    };
    this.services.on({ add: enqueue, update: (_o, s) => enqueue(s) });
    this.nodes.on({ add: all, update: (o, n) => (nodeServiceAddress(o) !== nodeServiceAddress(n) || ready(o) !== ready(n)) && all(), delete: all });
    await Promise.all([this.services.start(), this.nodes.start()]);
    void this.queue.run(2, (k) => this.reconcile(k), (k, err) => this.log?.warn({ err, service: k }, 'load balancer status update failed; retrying'));
  }

  stop(): void {
    this.services.stop();
    this.nodes.stop();
    this.queue.shutDown();
  }

  private managed(svc: KubeObject): boolean {
    const spec = (svc.spec ?? {}) as { type?: string; loadBalancerClass?: string };
    return !spec.loadBalancerClass && (spec.type === 'LoadBalancer' || currentIngress(svc).length > 0);
  }

  async reconcile(key: string): Promise<void> {
    const svc = this.services.get(key);
    if (!svc || svc.metadata.deletionTimestamp || !this.managed(svc)) return;
    const isLB = (svc.spec as { type?: string }).type === 'LoadBalancer';
    const want = isLB ? loadBalancerIngress(this.nodes.list()) : [];
    const have = currentIngress(svc);
    if (JSON.stringify(have) === JSON.stringify(want)) return;
    const { namespace, name } = splitKey(key);
    await this.api.setServiceLoadBalancer(namespace!, name, want.length ? { ingress: want } : {});
  }
}
