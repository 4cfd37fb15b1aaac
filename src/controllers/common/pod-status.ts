import type { KubeObject } from '../../api/types.js';

/** A pod condition as the kubelet reports it. */
export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

interface PodStatusView {
  phase?: PodPhase;
  conditions?: PodCondition[];
  containerStatuses?: { restartCount?: number }[];
  podIP?: string;
  podIPs?: { ip: string }[];
}

export function podStatus(pod: KubeObject): PodStatusView {
  return (pod.status ?? {}) as PodStatusView;
}

export function podSpec(pod: KubeObject): { nodeName?: string; restartPolicy?: string; hostname?: string; subdomain?: string; containers?: { name: string; ports?: { name?: string; containerPort: number; protocol?: string }[] }[] } {
  return (pod.spec ?? {}) as ReturnType<typeof podSpec>;
}

export function podPhase(pod: KubeObject): PodPhase {
  return podStatus(pod).phase ?? 'Pending';
}

export function readyCondition(pod: KubeObject): PodCondition | undefined {
  return podStatus(pod).conditions?.find((c) => c.type === 'Ready');
}

/** IsPodReady: the Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** IsPodAvailable: ready for at least minReadySeconds at `nowMs`. */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, nowMs: number): boolean {
  const c = readyCondition(pod);
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  if (!c.lastTransitionTime) return false;
  return Date.parse(c.lastTransitionTime) + minReadySeconds * 1000 < nowMs;
}

/** IsPodActive: not finished and not being deleted (what replica counts count). */
export function isPodActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function isPodTerminal(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase === 'Succeeded' || phase === 'Failed';
}

export function restartCount(pod: KubeObject): number {
  return (podStatus(pod).containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

/** The pod's IPs, primary first. */
export function podIPs(pod: KubeObject): string[] {
  const s = podStatus(pod);
  const ips = (s.podIPs ?? []).map((p) => p.ip).filter(Boolean);
  if (ips.length) return ips;
  return s.podIP ? [s.podIP] : [];
}
