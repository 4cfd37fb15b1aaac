import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { agentFlagsFrom, agentOptions } from './agent-flags.js';
import { agentClusterRangeOptions } from './node-network-flags.js';

/** Parses argv the way `k8ts agent` does (its options, without running it). */
function parseAgent(argv: string[]): Record<string, unknown> {
  const cmd = new Command('agent').exitOverride().configureOutput({ writeErr: () => undefined });
  for (const o of [...agentOptions(), ...agentClusterRangeOptions()]) cmd.addOption(o);
  cmd.parse(argv, { from: 'user' });
  return cmd.opts();
}

test('pod network flags default to host-gw with the proxy and policies on', () => {
  assert.deepEqual(agentFlagsFrom(parseAgent([])).network, { flannelBackend: 'host-gw', disableKubeProxy: false, disableNetworkPolicy: false, clusterCIDR: '10.42.0.0/16', serviceCIDR: '10.43.0.0/16' });
});

test('k3s flag names turn parts off; --node-netns and the ranges pass through', () => {
  const flags = agentFlagsFrom(parseAgent(['--flannel-backend=none', '--disable-kube-proxy', '--disable-network-policy', '--node-netns', 'k8ts-node2', '--cluster-cidr', '10.244.0.0/16', '--service-cidr', '10.96.0.0/12']));
  assert.deepEqual(flags.network, { flannelBackend: 'none', disableKubeProxy: true, disableNetworkPolicy: true, nodeNetns: 'k8ts-node2', clusterCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/12' });
});

test('a backend k8ts does not implement is refused', () => {
  assert.throws(() => parseAgent(['--flannel-backend', 'vxlan']), /unsupported flannel backend "vxlan" \(k8ts implements host-gw and none\)/);
});
