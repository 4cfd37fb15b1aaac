import type { KubeObject } from '../../api/types.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import { Informer, objectKey } from '../../client/informer.js';
import type { RestClient } from '../../client/rest-client.js';
import type { Logger } from '../../util/log.js';
import { catalogNetworkApi, type NetworkApi, restNetworkApi } from '../cluster-api.js';
import { HostCommands } from '../host/host-commands.js';
import { deleteNftTable } from '../host/nft.js';
import { ProxyRuleSyncer, type SyncResult } from './rule-syncer.js';
import { servicePorts, sliceServiceKey } from './service-model.js';
import { flushStaleFlows } from './stale-flows.js';

export interface ServiceProxyOptions {
  /** This node's name: endpoints with this nodeName are "local" for Local traffic policies. */
  nodeName: string;
  /** The cluster, through one of: a NetworkApi, a REST client (agents), or the registry (in-process). */
  api?: NetworkApi;
  client?: RestClient;
  catalog?: ResourceCatalog;
  /** `--service-cidr`: addresses in it that match no service are dropped (optional). */
  serviceCIDR?: string;
  /** `--cluster-cidr`: traffic from outside it to a cluster IP is masqueraded. */
  clusterCIDR?: string;
  /** Where the node's nft and conntrack run (default: this machine). */
  host?: HostCommands;
  /** The k8ts-owned nft table (default `k8ts-proxy`). */
  table?: string;
  /** The mark bit for "masquerade this" (default 14, as kube-proxy). */
  masqueradeBit?: number;
  /** Serve NodePorts on 127.0.0.1 too (sets route_localnet; default true). */
  localhostNodePorts?: boolean;
  /** Changes arriving within this window are applied together (default 0: next tick). */
  minSyncIntervalMs?: number;
  log?: Logger;
}

function resolveApi(o: ServiceProxyOptions): NetworkApi {
  if (o.api) return o.api;
  if (o.client) return restNetworkApi(o.client);
  if (o.catalog) return catalogNetworkApi(o.catalog);
  throw new Error('ServiceProxy needs api, client or catalog');
}

/**
 * The node's service proxy on nftables (kube-proxy's nftables mode, in one k8ts-owned
 * table): ClusterIP, NodePort, LoadBalancer and externalIPs, random balancing over ready
 * endpoints, ClientIP affinity, Local traffic policies, hairpin, reject when a service has no
 * endpoints, UDP conntrack cleanup. Driven by Service and EndpointSlice informers: each
 * change re-renders only its Service, and the sync writes only what changed.
 *
 * @example
 * const proxy = new ServiceProxy({ nodeName: 'n1', client, serviceCIDR: '10.43.0.0/16', clusterCIDR: '10.42.0.0/16' });
 * await proxy.start();
 * // …
 * await proxy.stop();
 */
export class ServiceProxy {
  readonly syncer: ProxyRuleSyncer;
  private readonly host: HostCommands;
  private readonly services: Informer;
  private readonly slices: Informer;
  private readonly dirty = new Set<string>();
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private generation = 0;
  private appliedGeneration = 0;
  private waiters: { generation: number; resolve: () => void }[] = [];
  private failures = 0;
  /** The last sync's figures (for metrics and benchmarks). */
  lastSync?: SyncResult;

  constructor(private readonly opts: ServiceProxyOptions) {
    const api = resolveApi(opts);
    this.host = opts.host ?? new HostCommands();
    // As kube-proxy: Services handed to another proxy, and headless Services' slices, are not ours.
    this.services = new Informer(api.listWatch('services', { labelSelector: '!service.kubernetes.io/service-proxy-name' }), opts.log);
    this.slices = new Informer(api.listWatch('endpointslices', { labelSelector: '!service.kubernetes.io/headless' }), opts.log);
    this.slices.addIndex('service', (s) => {
      const k = sliceServiceKey(s);
      return k ? [k] : [];
    });
    this.syncer = new ProxyRuleSyncer(
      this.host,
      { table: opts.table ?? 'k8ts-proxy', serviceCIDR: opts.serviceCIDR, clusterCIDR: opts.clusterCIDR, masqueradeBit: opts.masqueradeBit ?? 14, localhostNodePorts: opts.localhostNodePorts ?? true },
      { nodeName: opts.nodeName, clusterCIDR: opts.clusterCIDR },
    );
  }

  async start(): Promise<void> {
    if (this.opts.localhostNodePorts ?? true) await this.host.sysctl('net.ipv4.conf.all.route_localnet', '1');
    const mark = (key: string | undefined) => key && this.markDirty(key);
    this.services.on({ add: (s) => mark(objectKey(s)), update: (_o, s) => mark(objectKey(s)), delete: (s) => mark(objectKey(s)) });
    this.slices.on({
      add: (s) => mark(sliceServiceKey(s)),
      update: (o, s) => {
        mark(sliceServiceKey(o));
        mark(sliceServiceKey(s));
      },
      delete: (s) => mark(sliceServiceKey(s)),
    });
    await Promise.all([this.services.start(), this.slices.start()]);
    // Everything known so far goes into the first (full) sync.
    for (const s of this.services.list()) this.dirty.add(objectKey(s));
    await this.waitForSync();
  }

  /** Stops watching; with `removeRules`, also deletes the nft table (a node leaving the cluster). */
  async stop(opts: { removeRules?: boolean } = {}): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.services.stop();
    this.slices.stop();
    await this.running;
    for (const w of this.waiters.splice(0)) w.resolve();
    if (opts.removeRules) await deleteNftTable(this.host, 'ip', this.syncer.table);
  }

  /** Resolves once every change seen so far is in the kernel. */
  waitForSync(): Promise<void> {
    const generation = ++this.generation;
    this.schedule(0);
    return new Promise((resolve) => {
      if (this.appliedGeneration >= generation || this.stopped) resolve();
      else this.waiters.push({ generation, resolve });
    });
  }

  private markDirty(key: string): void {
    this.dirty.add(key);
    this.generation++;
    if (this.services.hasSynced() && this.slices.hasSynced()) this.schedule(this.opts.minSyncIntervalMs ?? 0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.runSync().finally(() => {
        this.running = undefined;
        if (this.dirty.size > 0 || this.waiters.length > 0 || this.syncer.hasPending()) this.schedule(this.failures > 0 ? Math.min(30_000, 100 * 2 ** this.failures) : (this.opts.minSyncIntervalMs ?? 0));
      });
    }, delayMs);
  }

  private async runSync(): Promise<void> {
    const generation = this.generation;
    const keys = [...this.dirty];
    this.dirty.clear();
    for (const key of keys) {
      const svc = this.services.get(key);
      this.syncer.setService(key, svc ? servicePorts(svc, this.slicesOf(key)) : []);
    }
    try {
      const result = await this.syncer.sync();
      this.failures = 0;
      this.lastSync = result;
      this.opts.log?.debug({ full: result.full, ports: result.changedPorts, ms: Math.round(result.durationMs) }, 'service rules synced');
      if (result.staleFlows.length) await flushStaleFlows(this.host, result.staleFlows).catch((err) => this.opts.log?.warn({ err }, 'conntrack cleanup failed'));
      this.appliedGeneration = generation;
      const done = this.waiters.filter((w) => w.generation <= generation);
      this.waiters = this.waiters.filter((w) => w.generation > generation);
      for (const w of done) w.resolve();
    } catch (err) {
      this.failures++;
      this.opts.log?.error({ err }, 'service rule sync failed; rewriting the whole table next');
      // The syncer rewrites the whole table next time; re-marking keeps a retry coming.
      for (const k of keys) this.dirty.add(k);
    }
  }

  private slicesOf(serviceKey: string): KubeObject[] {
    return this.slices.byIndex('service', serviceKey);
  }
}
