import type { KubeObject } from '../../api/types.js';
import { Informer } from '../../client/informer.js';
import type { Logger } from '../../util/log.js';
import type { NetworkApi } from '../cluster-api.js';
import type { HostCommands } from '../host/host-commands.js';

/** The route protocol number k8ts marks its routes with, so it only ever removes its own. */
export const k8tsRouteProtocol = 107;

/** Another node's pod range and the address it is reached at. */
export interface PeerRoute {
  cidr: string;
  via: string;
}

/** The routes this node needs: every other node's podCIDRs via that node's InternalIP. */
export function peerRoutes(nodes: KubeObject[], self: string): PeerRoute[] {
  const out: PeerRoute[] = [];
  for (const n of nodes) {
    if (n.metadata.name === self) continue;
    const spec = (n.spec ?? {}) as { podCIDR?: string; podCIDRs?: string[] };
    const addresses = ((n.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? []);
    const via = addresses.find((a) => a.type === 'InternalIP' && !a.address.includes(':'))?.address;
    if (!via) continue;
    for (const cidr of spec.podCIDRs?.length ? spec.podCIDRs : spec.podCIDR ? [spec.podCIDR] : []) {
      if (!cidr.includes(':')) out.push({ cidr, via });
    }
  }
  return out.sort((a, b) => a.cidr.localeCompare(b.cidr));
}

/**
 * host-gw routing (flannel's host-gw backend): pods on different nodes talk directly, each
 * node routing the other nodes' pod ranges to their InternalIP. Needs the nodes on one L2
 * segment. Watches Nodes and keeps the `proto 107` routes equal to what they say.
 *
 * @example
 * const routes = new HostGwRoutes(api, host, 'node-1', log);
 * await routes.start();
 */
export class HostGwRoutes {
  private readonly nodes: Informer;
  private syncing?: Promise<void>;
  private again = false;

  constructor(
    api: NetworkApi,
    private readonly host: HostCommands,
    private readonly nodeName: string,
    private readonly log?: Logger,
  ) {
    this.nodes = new Informer(api.listWatch('nodes'), log);
  }

  async start(): Promise<void> {
    this.nodes.on({ add: () => this.schedule(), update: () => this.schedule(), delete: () => this.schedule() });
    await this.nodes.start();
    await this.sync();
  }

  stop(): void {
    this.nodes.stop();
  }

  /** Resolves when the routes reflect the nodes seen so far. */
  async settled(): Promise<void> {
    while (this.syncing) await this.syncing;
  }

  private schedule(): void {
    if (!this.nodes.hasSynced()) return;
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = this.sync()
      .catch((err) => this.log?.warn({ err }, 'host-gw route sync failed'))
      .finally(() => {
        this.syncing = undefined;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
  }

  /** Current k8ts routes in the main table. */
  private async current(): Promise<PeerRoute[]> {
    const r = await this.host.run('ip', ['-j', 'route', 'show', 'proto', String(k8tsRouteProtocol)]);
    const routes = (r.stdout.trim() ? JSON.parse(r.stdout) : []) as { dst: string; gateway?: string }[];
    return routes.map((x) => ({ cidr: x.dst, via: x.gateway ?? '' }));
  }

  private async sync(): Promise<void> {
    const want = peerRoutes(this.nodes.list(), this.nodeName);
    const have = await this.current();
    const key = (r: PeerRoute) => `${r.cidr} ${r.via}`;
    const wanted = new Set(want.map(key));
    for (const r of have) if (!wanted.has(key(r)) && !want.some((w) => w.cidr === r.cidr)) {
      await this.host.run('ip', ['route', 'del', r.cidr, 'proto', String(k8tsRouteProtocol)], { allowFailure: true });
    }
    const present = new Set(have.map(key));
    for (const r of want) {
      if (present.has(key(r))) continue;
      await this.host.run('ip', ['route', 'replace', r.cidr, 'via', r.via, 'proto', String(k8tsRouteProtocol)]).catch((err) => {
        this.log?.warn({ err, route: r }, 'could not add route to a peer node pod range');
      });
    }
  }
}
