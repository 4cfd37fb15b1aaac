import type { KubeObject } from '../../api/types.js';

export interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string | null;
  lastTransitionTime?: string | null;
}

/** The conditions the controller turns Unknown when the kubelet goes silent. */
export const monitoredConditions = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/**
 * What the controller last saw of a node's heartbeats (nodeHealthData): when it last saw a
 * change — of the Ready condition's heartbeat or of the Lease's renewTime — by its own clock,
 * as Kubernetes does, so clock skew between node and controller does not matter.
 */
export interface NodeHealth {
  probeTimestamp: number;
  readyHeartbeat?: string;
  leaseRenew?: string;
}

/** Updates the record from the current node and lease; returns it. */
export function observe(prev: NodeHealth | undefined, node: KubeObject, lease: KubeObject | undefined, now: number): NodeHealth {
  const ready = ((node.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
  const readyHeartbeat = ready?.lastHeartbeatTime ?? undefined;
  const leaseRenew = (lease?.spec as { renewTime?: string } | undefined)?.renewTime;
  if (!prev) return { probeTimestamp: now, readyHeartbeat, leaseRenew };
  const changed = readyHeartbeat !== prev.readyHeartbeat || (leaseRenew !== undefined && leaseRenew !== prev.leaseRenew);
  return { probeTimestamp: changed ? now : prev.probeTimestamp, readyHeartbeat, leaseRenew };
}

/**
 * The node's conditions with the monitored ones set Unknown ("Kubelet stopped posting node
 * status.", or "never posted" for one never reported); undefined when they already are.
 */
export function unknownConditions(conditions: NodeCondition[], now: string): NodeCondition[] | undefined {
  let changed = false;
  const out = conditions.map((c) => ({ ...c }));
  for (const type of monitoredConditions) {
    const c = out.find((x) => x.type === type);
    if (!c) {
      out.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: now, lastTransitionTime: now });
      changed = true;
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = now;
      changed = true;
    }
  }
  return changed ? out : undefined;
}
