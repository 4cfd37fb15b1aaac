import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../errors.js';

/** Where a node's agent serves streaming (the kubelet port). */
export interface AgentLocation {
  nodeName: string;
  host: string;
  port: number;
}

/** The kubelet's default port, used when a Node does not say (`daemonEndpoints.kubeletEndpoint.Port`). */
export const DEFAULT_AGENT_PORT = 10250;

/** Address types tried in order, as k3s configures the API server (`--kubelet-preferred-address-types`). */
const preferredAddressTypes = ['InternalIP', 'ExternalIP', 'Hostname'];

interface NodeStatusView {
  addresses?: { type?: string; address?: string }[];
  daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
}

/**
 * The agent address of a Node object.
 *
 * @example
 * agentLocation(node); // { nodeName: 'node1', host: '10.0.0.5', port: 10250 }
 * @throws ApiError (400) when the node lists no usable address.
 */
export function agentLocation(node: KubeObject): AgentLocation {
  const status = (node as { status?: NodeStatusView }).status ?? {};
  const addresses = status.addresses ?? [];
  let host: string | undefined;
  for (const type of preferredAddressTypes) {
    host = addresses.find((a) => a.type === type && a.address)?.address;
    if (host) break;
  }
  if (!host) throw ApiError.badRequest(`no preferred addresses found; known addresses: [${addresses.map((a) => `{${a.type} ${a.address}}`).join(' ')}]`);
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port;
  return { nodeName: node.metadata.name!, host, port: port && port > 0 ? port : DEFAULT_AGENT_PORT };
}
