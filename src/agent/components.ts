import type { ServerComponent } from '../server/component.js';
import type { ServerConfig } from '../server/config.js';
import { nodeProxyComponent } from '../server/node-proxy/component.js';
import { embeddedAgentComponent } from './embedded-agent.js';
import { nodeJoinComponent } from './join/join-component.js';

/**
 * What nodes need from `k8ts server`: the join endpoint, the pods/log proxy to node agents
 * and, unless `--disable-agent`, the server's own embedded agent (started last).
 */
export function nodeComponents(config: ServerConfig): ServerComponent[] {
  return [nodeJoinComponent(), nodeProxyComponent(), ...(config.disableAgent ? [] : [embeddedAgentComponent()])];
}
