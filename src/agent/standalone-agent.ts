import { hostname } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../apiserver/errors.js';
import { RestClient } from '../client/rest-client.js';
import { nodeAddresses } from '../network/node-address.js';
import type { Logger } from '../util/log.js';
import { Agent } from './agent.js';
import { agentDirs, defaultNodeName, type AgentFlags } from './config.js';
import { joinCluster } from './join/join-client.js';
import { nodeNetworkHook } from './network/node-network-hook.js';

export interface StandaloneAgentOptions {
  server: string;
  token: string;
  /** `--data-dir`; the agent's state goes to `<dataDir>/agent`. */
  dataDir: string;
  nodeName?: string;
  /** `--cluster-dns`; default: the cluster's kube-dns Service IP. */
  clusterDNS?: string;
  flags: AgentFlags;
  log: Logger;
}

/** The cluster DNS address from the kube-dns Service, if the cluster has one. */
async function discoverClusterDns(client: RestClient): Promise<string[]> {
  try {
    const svc = await client.get<{ spec?: { clusterIP?: string } }>('/api/v1/namespaces/kube-system/services/kube-dns');
    return svc.spec?.clusterIP && svc.spec.clusterIP !== 'None' ? [svc.spec.clusterIP] : [];
  } catch (err) {
    if (err instanceof ApiError && (err.code === 404 || err.code === 403)) return [];
    throw err;
  }
}

/** A running standalone agent; stop leaves pods (and their network) running for the next start. */
export interface StandaloneAgent {
  agent: Agent;
  stop(): Promise<void>;
}

/**
 * `k8ts agent --server URL --token TOKEN`: joins the cluster (node certificates for the
 * token, kept in `<data-dir>/agent/tls`) and runs the node agent with its pod network.
 */
export async function startStandaloneAgent(opts: StandaloneAgentOptions): Promise<StandaloneAgent> {
  const nodeName = opts.nodeName ?? defaultNodeName();
  const dataDir = join(opts.dataDir, 'agent');
  const addresses = opts.flags.nodeIP ? [opts.flags.nodeIP] : nodeAddresses();
  const credentials = await joinCluster({
    server: opts.server,
    token: opts.token,
    nodeName,
    tlsDir: agentDirs(dataDir).tls,
    addresses,
    hostnames: [hostname().toLowerCase()],
    log: opts.log,
  });
  const client = new RestClient({ server: opts.server, caPem: credentials.caCertPem, certPem: credentials.clientCertPem, keyPem: credentials.clientKeyPem });
  const clusterDNS = opts.clusterDNS ? [opts.clusterDNS] : await discoverClusterDns(client);
  const network = nodeNetworkHook({ nodeName, dataDir, client, flags: opts.flags.network, log: opts.log });
  const agent = new Agent({ ...opts.flags, nodeName, dataDir, clusterDNS, controlPlane: false }, { client, credentials, network: network.network, log: opts.log });
  try {
    await agent.start();
  } catch (err) {
    await network.stop().catch(() => undefined);
    throw err;
  }
  return {
    agent,
    stop: async () => {
      await agent.stop();
      await network.stop();
    },
  };
}
