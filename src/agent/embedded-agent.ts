import { hostname } from 'node:os';
import { join } from 'node:path';
import { Ipv4Range } from '../apiserver/allocators/ipv4-range.js';
import { RestClient } from '../client/rest-client.js';
import { nodeAddresses } from '../network/node-address.js';
import type { ServerComponent } from '../server/component.js';
import type { ServerConfig } from '../server/config.js';
import { Agent } from './agent.js';
import { defaultAgentFlags, defaultNodeName, type AgentConfig } from './config.js';
import { issueNodeCredentials } from './join/node-credentials.js';
import { nodeNetworkHook, type NodeNetworkHook } from './network/node-network-hook.js';

/** The cluster DNS IP: `--cluster-dns`, else the 10th address of the service range (k3s: 10.43.0.10). */
export function clusterDnsIP(config: Pick<ServerConfig, 'clusterDns' | 'serviceCidr'>): string {
  return config.clusterDns ?? Ipv4Range.parse(config.serviceCidr).nth(10);
}

/** The agent settings of a server's embedded agent; state in `<data-dir>/agent`. */
export function embeddedAgentConfig(config: ServerConfig): AgentConfig {
  return {
    ...defaultAgentFlags,
    ...config.agent,
    nodeName: config.nodeName ?? defaultNodeName(),
    dataDir: join(config.dataDir, 'agent'),
    clusterDNS: [clusterDnsIP(config)],
    controlPlane: true,
    network: { ...config.agent?.network, clusterCIDR: config.clusterCidr, serviceCIDR: config.serviceCidr },
  };
}

/**
 * `k8ts server`'s own node (like k3s server): the agent runs in the server process with
 * credentials issued straight from the cluster CA, and talks to the API over HTTPS like any
 * other node. Off with `--disable-agent`.
 */
export function embeddedAgentComponent(): ServerComponent {
  let agent: Agent | undefined;
  let network: NodeNetworkHook | undefined;
  return {
    name: 'agent',
    async start(ctx) {
      if (ctx.config.disableAgent) return;
      const config = embeddedAgentConfig(ctx.config);
      const log = ctx.log.child({ component: 'agent' });
      const ips = config.nodeIP ? [config.nodeIP] : nodeAddresses();
      const credentials = await issueNodeCredentials(ctx.pki, config.nodeName, { ips, dnsNames: [hostname().toLowerCase()] });
      const client = new RestClient({ server: ctx.url, caPem: credentials.caCertPem, certPem: credentials.clientCertPem, keyPem: credentials.clientKeyPem });
      network = nodeNetworkHook({ nodeName: config.nodeName, dataDir: config.dataDir, client, flags: config.network, log });
      agent = new Agent(config, { client, credentials, network: network.network, clock: ctx.clock, log });
      try {
        await agent.start();
      } catch (err) {
        // The control plane stays useful without its node (no runc, no root …).
        log.error({ err }, 'the embedded agent could not start; this server runs no pods');
        await agent.stop().catch(() => undefined);
        await network.stop().catch(() => undefined);
        agent = undefined;
      }
    },
    stop: async () => {
      await agent?.stop();
      await network?.stop();
    },
  };
}
