import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import { Informer } from '../../client/informer.js';
import type { RestClient } from '../../client/rest-client.js';
import type { Logger } from '../../util/log.js';
import { catalogNetworkApi, type NetworkApi, restNetworkApi } from '../cluster-api.js';
import { HostCommands } from '../host/host-commands.js';
import { applyNft, deleteNftTable } from '../host/nft.js';
import { type PolicyPod, podRules, policyPod } from './policy-model.js';
import { renderPolicyTable } from './policy-render.js';

export interface NetworkPolicyOptions {
  /** This node: only its pods' traffic is filtered here (each node guards its own pods). */
  nodeName: string;
  api?: NetworkApi;
  client?: RestClient;
  catalog?: ResourceCatalog;
  host?: HostCommands;
  /** The k8ts-owned nft table (default `k8ts-policy`). */
  table?: string;
  /** Changes arriving within this window are applied together (default 0). */
  minSyncIntervalMs?: number;
  log?: Logger;
}

/**
 * Enforces NetworkPolicy (ingress and egress; podSelector, namespaceSelector, ipBlock with
 * except; ports, named ports and endPort) for this node's pods with one nft table, rewritten
 * atomically whenever Pods, Namespaces or NetworkPolicies change in a way that alters it.
 * Pods no policy selects stay open.
 *
 * @example
 * const policies = new NetworkPolicyController({ nodeName: 'n1', client });
 * await policies.start();
 */
export class NetworkPolicyController {
  private readonly host: HostCommands;
  private readonly pods: Informer;
  private readonly namespaces: Informer;
  private readonly policies: Informer;
  private readonly table: string;
  private lastScript = '';
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private dirty = false;
  private stopped = false;
  private failures = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly opts: NetworkPolicyOptions) {
    const api = opts.api ?? (opts.client ? restNetworkApi(opts.client) : opts.catalog ? catalogNetworkApi(opts.catalog) : undefined);
    if (!api) throw new Error('NetworkPolicyController needs api, client or catalog');
    this.host = opts.host ?? new HostCommands();
    this.table = opts.table ?? 'k8ts-policy';
    this.pods = new Informer(api.listWatch('pods'), opts.log);
    this.namespaces = new Informer(api.listWatch('namespaces'), opts.log);
    this.policies = new Informer(api.listWatch('networkpolicies'), opts.log);
  }

  async start(): Promise<void> {
    const changed = () => this.markDirty();
    for (const inf of [this.pods, this.namespaces, this.policies]) inf.on({ add: changed, update: changed, delete: changed });
    await Promise.all([this.pods.start(), this.namespaces.start(), this.policies.start()]);
    await this.waitForSync();
  }

  async stop(opts: { removeRules?: boolean } = {}): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const inf of [this.pods, this.namespaces, this.policies]) inf.stop();
    await this.running;
    for (const w of this.waiters.splice(0)) w();
    if (opts.removeRules) await deleteNftTable(this.host, 'ip', this.table);
  }

  /** Resolves once the table reflects everything seen so far. */
  waitForSync(): Promise<void> {
    this.markDirty(0);
    return new Promise((resolve) => (this.stopped ? resolve() : this.waiters.push(resolve)));
  }

  private markDirty(delayMs = this.opts.minSyncIntervalMs ?? 0): void {
    this.dirty = true;
    if (this.stopped || this.timer || this.running) return;
    if (![this.pods, this.namespaces, this.policies].every((i) => i.hasSynced())) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.sync().finally(() => {
        this.running = undefined;
        if (this.dirty) this.markDirty(this.failures ? Math.min(30_000, 100 * 2 ** this.failures) : undefined);
      });
    }, delayMs);
  }

  private async sync(): Promise<void> {
    this.dirty = false;
    const waiters = this.waiters.splice(0);
    const pods = this.pods.list().map(policyPod).filter((p): p is PolicyPod => !!p);
    const namespaces = new Map(this.namespaces.list().map((n) => [n.metadata.name!, n.metadata.labels ?? {}]));
    const rules = podRules({ pods, namespaces, policies: this.policies.list() }, (p) => p.nodeName === this.opts.nodeName);
    const script = renderPolicyTable(this.table, rules, pods);
    try {
      if (script !== this.lastScript) {
        await applyNft(this.host, script);
        this.lastScript = script;
        this.opts.log?.debug({ isolatedPods: rules.length }, 'network policy rules synced');
      }
      this.failures = 0;
      for (const w of waiters) w();
    } catch (err) {
      this.failures++;
      this.dirty = true;
      this.waiters.push(...waiters);
      this.opts.log?.error({ err }, 'network policy sync failed; retrying');
    }
  }
}
