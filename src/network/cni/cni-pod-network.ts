import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PodNetwork, PodNetworkRequest, PodNetworkResult } from '../../agent/network/pod-network.js';
import type { Logger } from '../../util/log.js';
import { HostCommands } from '../host/host-commands.js';
import { type NetworkConfList, k8tsConflist, loopbackConflist, networkName } from './conflist.js';
import { readAllocations } from './host-local-store.js';
import { installPodMasquerade } from './pod-masquerade.js';
import { PluginRunner, type CniResult } from './plugin-exec.js';
import { ResultCache } from './result-cache.js';

export interface CniPodNetworkOptions {
  /** This node's pod range (`node.spec.podCIDR`). */
  podCIDR: string;
  /** The whole cluster's pod range (`--cluster-cidr`): traffic inside it is never masqueraded. */
  clusterCIDR: string;
  /** Where k8ts keeps its CNI state (address allocations, cached results). */
  stateDir: string;
  /** Where the node's network tools run (default: this machine). */
  host?: HostCommands;
  pluginDir?: string;
  bridge?: string;
  mtu?: number;
  /** nft table for pods' outbound NAT. */
  masqueradeTable?: string;
  /**
   * Run the CNI `loopback` plugin in every pod (default true). Off for sandboxes that come
   * with `lo` up already (the agent's do): one plugin process less per ADD and per DEL.
   */
  loopback?: boolean;
  log?: Logger;
}

function stripPrefix(cidr: string): string {
  return cidr.split('/')[0]!;
}

/**
 * The agent's pod network: runs Debian's CNI plugins (bridge + host-local + portmap, and
 * loopback) itself for every pod sandbox, chaining each plugin's result into the next.
 *
 * @example
 * const net = new CniPodNetwork({ podCIDR: '10.42.0.0/24', clusterCIDR: '10.42.0.0/16', stateDir: '/var/lib/k8ts/agent/cni' });
 * await net.init();
 * const { ips } = await net.setUp({ podUID, namespace: 'default', name: 'web', netnsPath: '/var/run/netns/k8ts-pod-…' });
 */
export class CniPodNetwork implements PodNetwork {
  readonly conflist: NetworkConfList;
  /** The same network without portmap, for pods with no hostPort (portmap's iptables work is the slow part). */
  private readonly plainConflist: NetworkConfList;
  private readonly loopback = loopbackConflist();
  private readonly runner: PluginRunner;
  private readonly cache: ResultCache;
  private readonly host: HostCommands;
  private readonly ipamDir: string;

  constructor(private readonly opts: CniPodNetworkOptions) {
    this.host = opts.host ?? new HostCommands();
    this.runner = new PluginRunner(this.host, opts.pluginDir);
    this.ipamDir = join(opts.stateDir, 'networks');
    this.cache = new ResultCache(join(opts.stateDir, 'results'));
    this.conflist = k8tsConflist({ podCIDR: opts.podCIDR, bridge: opts.bridge, ipamDataDir: this.ipamDir, mtu: opts.mtu });
    this.plainConflist = { ...this.conflist, plugins: this.conflist.plugins.filter((p) => p.type !== 'portmap') };
  }

  /** Node-wide set-up: forwarding on, outbound NAT for pods. Idempotent. */
  async init(): Promise<void> {
    await this.host.sysctl('net.ipv4.ip_forward', '1');
    await installPodMasquerade(this.host, this.opts.masqueradeTable ?? 'k8ts-podnet', this.opts.podCIDR, this.opts.clusterCIDR);
  }

  private cniArgs(req: PodNetworkRequest): string {
    return `IgnoreUnknown=1;K8S_POD_NAMESPACE=${req.namespace};K8S_POD_NAME=${req.name};K8S_POD_INFRA_CONTAINER_ID=${req.podUID};K8S_POD_UID=${req.podUID}`;
  }

  async setUp(req: PodNetworkRequest): Promise<PodNetworkResult> {
    const cached = this.cache.get(req.podUID);
    // A repeated set-up (an agent restarted mid-way) finds the pod already wired.
    if (cached && cached.netnsPath === req.netnsPath) return resultOf(cached.result);
    const portMappings = (req.portMappings ?? []).map((p) => ({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol, ...(p.hostIP ? { hostIP: p.hostIP } : {}) }));
    const call = { containerId: req.podUID, netns: req.netnsPath, args: this.cniArgs(req), runtimeConfig: { portMappings } };
    const list = portMappings.length ? this.conflist : this.plainConflist;
    try {
      if (this.opts.loopback !== false) await this.runner.add(this.loopback, { ...call, ifName: 'lo' });
      const result = await this.runner.add(list, { ...call, ifName: 'eth0' });
      await this.cache.put({ podUID: req.podUID, namespace: req.namespace, name: req.name, netnsPath: req.netnsPath, portMappings, result });
      return resultOf(result);
    } catch (err) {
      // Leave nothing half-made behind (an address, a veth, port mappings).
      await this.runner.del(list, { ...call, ifName: 'eth0' }).catch(() => undefined);
      throw err;
    }
  }

  async tearDown(req: PodNetworkRequest): Promise<void> {
    const cached = this.cache.get(req.podUID);
    const netns = existsSync(req.netnsPath) ? req.netnsPath : '';
    // A pod set up without port mappings skipped portmap; one we know nothing about gets the full list.
    const mappings = cached?.portMappings ?? req.portMappings ?? [];
    await this.runner.del(cached && mappings.length === 0 ? this.plainConflist : this.conflist, {
      containerId: req.podUID,
      netns,
      ifName: 'eth0',
      args: this.cniArgs(req),
      runtimeConfig: { portMappings: mappings },
      prevResult: cached?.result,
    });
    if (netns && this.opts.loopback !== false) await this.runner.del(this.loopback, { containerId: req.podUID, netns, ifName: 'lo' }).catch(() => undefined);
    this.cache.remove(req.podUID);
  }

  /** Releases addresses and port mappings of pods that no longer exist (an agent crashed before tearing them down). */
  async garbageCollect(livePodUIDs: Set<string>): Promise<void> {
    const dead = new Set<string>();
    for (const a of readAllocations(this.ipamDir, networkName)) if (!livePodUIDs.has(a.containerId)) dead.add(a.containerId);
    for (const uid of this.cache.podUIDs()) if (!livePodUIDs.has(uid)) dead.add(uid);
    for (const uid of dead) {
      const cached = this.cache.get(uid);
      try {
        await this.tearDown({ podUID: uid, namespace: cached?.namespace ?? '', name: cached?.name ?? '', netnsPath: cached?.netnsPath ?? '' });
        this.opts.log?.info({ podUID: uid }, 'released leaked pod network allocation');
      } catch (err) {
        this.opts.log?.warn({ err, podUID: uid }, 'could not release leaked pod network allocation');
      }
    }
  }

  /** The addresses host-local holds right now (for status and tests). */
  allocations(): { ip: string; podUID: string }[] {
    return readAllocations(this.ipamDir, networkName).map((a) => ({ ip: a.ip, podUID: a.containerId }));
  }

  /** Forgets all state on disk (a node being removed). Does not touch live pods. */
  removeState(): void {
    rmSync(this.opts.stateDir, { recursive: true, force: true });
  }
}

function resultOf(result: CniResult): PodNetworkResult {
  const ips = (result.ips ?? []).map((i) => stripPrefix(i.address));
  const gateway = result.ips?.[0]?.gateway;
  return gateway ? { ips, gateway } : { ips };
}
