import { Option } from 'commander';
import type { ServerConfig } from '../server/config.js';
import { defaultSimulatedNodeOptions, type SimulatedNodeOptions } from '../simulator/node-template.js';
import { parseCount, parseGoDuration, parseKeyValues, parseTaints } from './flag-parsers.js';

const d = defaultSimulatedNodeOptions;
const capacityText = Object.entries(d.capacity).map(([k, v]) => `${k}=${v}`).join(',');

/**
 * Server flags for nodes: simulated nodes (like kwok) and node health timings (named after
 * kube-controller-manager's and kube-apiserver's flags).
 */
export function nodeServerOptions(): Option[] {
  return [
    new Option('--simulate-nodes <n>', 'register N simulated nodes that heartbeat and run pods without containers').default(0).argParser(parseCount),
    new Option('--simulate-node-prefix <prefix>', 'name prefix of simulated nodes').default(d.namePrefix),
    new Option('--simulate-node-capacity <list>', 'capacity of each simulated node').default(capacityText),
    new Option('--simulate-node-labels <list>', 'extra labels of simulated nodes, k=v,…; {index} and {index%N} expand per node').default(''),
    new Option('--simulate-node-taints <list>', 'taints of simulated nodes, key[=value]:Effect,…').default(''),
    new Option('--simulate-node-heartbeat <duration>', 'how often simulated nodes renew their Lease').default('10s'),
    new Option('--node-monitor-grace-period <duration>', 'a node whose Lease is older than this goes NotReady (Unknown)').default('40s'),
    new Option('--node-monitor-period <duration>', 'how often node health is checked').default('5s'),
    new Option('--default-not-ready-toleration-seconds <n>', 'tolerationSeconds of the not-ready toleration added to every pod').default(300).argParser(parseCount),
    new Option('--default-unreachable-toleration-seconds <n>', 'tolerationSeconds of the unreachable toleration added to every pod').default(300).argParser(parseCount),
  ];
}

/** The simulated node settings from flags shared by `server` and `agent --simulate`. */
export function simulatedNodeOptionsFrom(opts: Record<string, unknown>, keys: { prefix: string; capacity: string; labels: string; taints: string; heartbeat: string }): Partial<SimulatedNodeOptions> {
  const out: Partial<SimulatedNodeOptions> = {};
  if (opts[keys.prefix] !== undefined) out.namePrefix = String(opts[keys.prefix]);
  if (opts[keys.capacity]) out.capacity = { ...d.capacity, ...parseKeyValues(String(opts[keys.capacity])) };
  if (opts[keys.labels]) out.labels = parseKeyValues(String(opts[keys.labels]));
  if (opts[keys.taints]) out.taints = parseTaints(String(opts[keys.taints]));
  if (opts[keys.heartbeat]) out.heartbeatMs = parseGoDuration(String(opts[keys.heartbeat]));
  return out;
}

/** The ServerConfig fields these flags set. */
export function nodeServerConfig(opts: Record<string, unknown>): Partial<ServerConfig> {
  return {
    simulateNodes: opts.simulateNodes as number,
    simulatedNodes: {
      ...d,
      ...simulatedNodeOptionsFrom(opts, { prefix: 'simulateNodePrefix', capacity: 'simulateNodeCapacity', labels: 'simulateNodeLabels', taints: 'simulateNodeTaints', heartbeat: 'simulateNodeHeartbeat' }),
      podCidr: String(opts.clusterCidr ?? d.podCidr),
    },
    nodeMonitorGracePeriodMs: parseGoDuration(String(opts.nodeMonitorGracePeriod)),
    nodeMonitorPeriodMs: parseGoDuration(String(opts.nodeMonitorPeriod)),
    defaultNotReadyTolerationSeconds: opts.defaultNotReadyTolerationSeconds as number,
    defaultUnreachableTolerationSeconds: opts.defaultUnreachableTolerationSeconds as number,
  };
}
