import { Option } from 'commander';
import { defaultNodeResourceFlags, type NodeResourceFlags } from '../agent/node/resource-flags.js';
import { validateReservation } from '../agent/node/reserved.js';
import { parseEvictionHard } from '../agent/eviction/thresholds.js';
import { parseKeyValues } from './flag-parsers.js';

const d = defaultNodeResourceFlags;

function reservation(flag: string) {
  return (v: string, prev: Record<string, string> = {}) => {
    const out = { ...prev, ...parseKeyValues(v) };
    validateReservation(flag, out);
    return out;
  };
}

function duration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v.trim());
  if (!m) throw new Error(`invalid duration "${v}" (e.g. 30s, 5m)`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

/** Resource management flags of the agent, named as the kubelet's. */
export function resourceOptions(): Option[] {
  return [
    new Option('--pod-pids-limit <n>', 'most processes a pod may run (-1: unlimited)').default(d.podPidsLimit).argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < -1) throw new Error(`invalid --pod-pids-limit: ${v}`);
      return n;
    }),
    new Option('--kube-reserved <k=v>', 'resources kept for k8ts itself, e.g. cpu=100m,memory=256Mi (repeatable)').argParser(reservation('--kube-reserved')),
    new Option('--system-reserved <k=v>', 'resources kept for the operating system (repeatable)').argParser(reservation('--system-reserved')),
    new Option('--eviction-hard <thresholds>', 'hard eviction thresholds').default(d.evictionHard).argParser((v) => {
      parseEvictionHard(v);
      return v;
    }),
    new Option('--eviction-pressure-transition-period <duration>', 'how long a node keeps a pressure condition after it ends').default('5m').argParser(duration),
  ];
}

/** NodeResourceFlags from parsed options. */
export function resourceFlagsFrom(opts: Record<string, unknown>): Partial<NodeResourceFlags> {
  return {
    podPidsLimit: (opts.podPidsLimit as number) ?? d.podPidsLimit,
    kubeReserved: (opts.kubeReserved as Record<string, string>) ?? {},
    systemReserved: (opts.systemReserved as Record<string, string>) ?? {},
    evictionHard: (opts.evictionHard as string) ?? d.evictionHard,
    evictionPressureTransitionPeriodMs: typeof opts.evictionPressureTransitionPeriod === 'number' ? opts.evictionPressureTransitionPeriod : d.evictionPressureTransitionPeriodMs,
  };
}
