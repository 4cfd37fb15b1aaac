import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../../api/types.js';
import type { RestClient } from '../../client/rest-client.js';
import type { NodeNetworking } from '../../network/node-networking.js';
import type { Logger } from '../../util/log.js';
import { defaultNodeNetworkFlags, type NodeNetworkFlags } from './node-network-config.js';
import type { PodNetwork } from './pod-network.js';
import { HostExec } from '../runtime/host-exec.js';

/** What an agent recorded about its node networking, for `k8ts reset`. */
export interface NodeNetworkRecord {
  backend: NodeNetworkFlags['flannelBackend'];
  /** The network namespace the node's networking ran in; absent: the host's. */
  netns?: string;
}

/** `<agent data dir>/network.json`. */
export function nodeNetworkRecordPath(agentDataDir: string): string {
  return join(agentDataDir, 'network.json');
}

/** The record an agent left in its data dir, if any. */
export function readNodeNetworkRecord(agentDataDir: string): NodeNetworkRecord | undefined {
  try {
    return JSON.parse(readFileSync(nodeNetworkRecordPath(agentDataDir), 'utf8')) as NodeNetworkRecord;
  } catch {
    return undefined;
  }
}

export interface NodeNetworkHookOptions {
  nodeName: string;
  /** The agent's state dir (`<data-dir>/agent`); CNI state goes to `cni/` inside. */
  dataDir: string;
  client: RestClient;
  flags?: Partial<NodeNetworkFlags>;
  log: Logger;
}

/** The agent's side of node networking: what `AgentDeps.network` calls, and its stop. */
export interface NodeNetworkHook {
  network(node: KubeObject): Promise<PodNetwork | undefined>;
  /** Stops watching; bridge, addresses and rules stay so running pods keep their network. */
  stop(): Promise<void>;
}

/**
 * Starts the node's pod network once its Node is registered (the podCIDR comes from
 * nodeipam), in the host's network namespace or the one `--node-netns` names; with
 * `--flannel-backend=none` pods keep only their loopback.
 *
 * @example
 * const hook = nodeNetworkHook({ nodeName, dataDir, client, flags: { flannelBackend: 'host-gw' }, log });
 * const agent = new Agent(config, { client, credentials, network: hook.network, log });
 * await agent.start();
 * // …
 * await agent.stop();
 * await hook.stop();
 */
export function nodeNetworkHook(opts: NodeNetworkHookOptions): NodeNetworkHook {
  const flags = { ...defaultNodeNetworkFlags, ...opts.flags };
  let networking: NodeNetworking | undefined;
  let stopped = false;
  let exec: HostExec | undefined;
  const record = (r: NodeNetworkRecord) => writeFile(nodeNetworkRecordPath(opts.dataDir), JSON.stringify(r, null, 2));
  return {
    async network() {
      if (flags.flannelBackend === 'none') {
        await record({ backend: 'none' });
        opts.log.info('--flannel-backend=none: pods get only their loopback interface');
        return undefined;
      }
      // Recorded before anything is created, so a reset after a failed start still finds it.
      await record({ backend: flags.flannelBackend, ...(flags.nodeNetns ? { netns: flags.nodeNetns } : {}) });
      // Loaded only for nodes that run a pod network: the agent stays light without.
      const [{ startNodeNetworking }, { HostCommands }] = await Promise.all([import('../../network/node-networking.js'), import('../../network/host/host-commands.js')]);
      const disable: ('service-proxy' | 'network-policy')[] = [];
      if (flags.disableKubeProxy) disable.push('service-proxy');
      if (flags.disableNetworkPolicy) disable.push('network-policy');
      const started = await startNodeNetworking({
        nodeName: opts.nodeName,
        client: opts.client,
        dataDir: opts.dataDir,
        // CNI plugins, ip and nft run through a small shell helper, not forks of the agent.
        host: new HostCommands(flags.nodeNetns, (exec = new HostExec(join(opts.dataDir, 'net-exec')))),
        disable,
        log: opts.log.child({ component: 'node-network' }),
        ...(flags.clusterCIDR ? { clusterCIDR: flags.clusterCIDR } : {}),
        ...(flags.serviceCIDR ? { serviceCIDR: flags.serviceCIDR } : {}),
      }).catch((err: Error) => {
        throw new Error(`the pod network could not start: ${err.message} (--flannel-backend=none runs pods with loopback only)`, { cause: err });
      });
      if (stopped) {
        await started.stop();
        return undefined;
      }
      networking = started;
      return started.podNetwork;
    },
    async stop() {
      stopped = true;
      await networking?.stop();
      networking = undefined;
      exec?.close();
    },
  };
}
