import type { KubeObject } from '../api/types.js';
import type { ListWatch } from '../client/list-watch.js';

/**
 * What a simulated fleet does to the cluster. Inside the server it goes straight to the
 * registry (catalogFleetApi); from `k8ts agent --simulate` it goes over the REST API
 * (restFleetApi) with the agent's credentials.
 */
export interface FleetApi {
  /** Registers a node (kubelet's registerWithAPIServer): creates it, or takes over an existing one with the same name. */
  registerNode(node: KubeObject): Promise<KubeObject>;
  /** Replaces the node's status (capacity, conditions, addresses, nodeInfo). */
  updateNodeStatus(name: string, status: Record<string, unknown>): Promise<void>;
  /** Creates or renews the node's Lease (spec.renewTime). */
  renewLease(lease: KubeObject): Promise<void>;
  /** Every pod bound to some node. */
  boundPods(): ListWatch;
  /** The nodes (to notice when the cluster marks one of ours NotReady). */
  nodes(): ListWatch;
  /** Writes a pod's status, unless the pod was replaced by another of the same name. */
  updatePodStatus(pod: KubeObject, status: Record<string, unknown>): Promise<void>;
  /** Deletes a pod at once (what a kubelet does once its containers are gone). */
  deletePod(pod: KubeObject): Promise<void>;
  close?(): void;
}

export function isNotFound(err: unknown): boolean {
  return (err as { code?: number } | undefined)?.code === 404;
}

export function isConflict(err: unknown): boolean {
  return (err as { code?: number } | undefined)?.code === 409;
}
