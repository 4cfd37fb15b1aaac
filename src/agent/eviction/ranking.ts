import type { KubeObject } from '../../api/types.js';
import { parseQuantity } from '../../api/quantity.js';

/** What one pod uses, per container, for ranking and messages. */
export interface PodUsage {
  pod: KubeObject;
  /** Per container name: memory working set and ephemeral storage (writable layer + logs) in bytes. */
  containers: Map<string, { memory?: number; ephemeral?: number }>;
  processes?: number;
}

type ContainerSpec = { name: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } };

/** The kubelet's pod containers for usage accounting: app containers and init containers. */
export function containersOf(pod: KubeObject): ContainerSpec[] {
  const spec = (pod.spec ?? {}) as { containers?: ContainerSpec[]; initContainers?: ContainerSpec[] };
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

export function bytesOf(v: string | undefined): number {
  if (!v) return 0;
  try {
    return Number(parseQuantity(v).nanos / 1_000_000_000n);
  } catch {
    return 0;
  }
}

/** A container's request of a resource, in bytes (0 when none). */
export function requestOf(c: ContainerSpec, resource: 'memory' | 'ephemeral-storage'): number {
  return bytesOf(c.resources?.requests?.[resource]);
}

function usageOf(u: PodUsage, key: 'memory' | 'ephemeral'): number {
  let total = 0;
  for (const c of u.containers.values()) total += c[key] ?? 0;
  return total;
}

function podRequest(u: PodUsage, resource: 'memory' | 'ephemeral-storage'): number {
  return containersOf(u.pod).reduce((sum, c) => sum + requestOf(c, resource), 0);
}

function priority(u: PodUsage): number {
  return Number((u.pod.spec as { priority?: number } | undefined)?.priority ?? 0);
}

/**
 * Orders pods for eviction under memory or disk pressure as the kubelet does: pods using
 * more than they requested first, then lower priority first, then by how far usage exceeds
 * the request (most first). BestEffort pods request nothing, so any usage puts them first.
 *
 * @example
 * rankForEviction(usages, 'memory')[0].pod.metadata.name; // the BestEffort hog
 */
export function rankForEviction(pods: PodUsage[], resource: 'memory' | 'ephemeral-storage'): PodUsage[] {
  const key = resource === 'memory' ? 'memory' : 'ephemeral';
  const info = pods.map((u) => {
    const usage = usageOf(u, key);
    const request = podRequest(u, resource);
    return { u, exceeds: usage > request, over: usage - request };
  });
  info.sort((a, b) => Number(b.exceeds) - Number(a.exceeds) || priority(a.u) - priority(b.u) || b.over - a.over);
  return info.map((i) => i.u);
}

/** Under PID pressure: lower priority first, then the pods running the most processes. */
export function rankForPidPressure(pods: PodUsage[]): PodUsage[] {
  return [...pods].sort((a, b) => priority(a) - priority(b) || (b.processes ?? 0) - (a.processes ?? 0));
}
