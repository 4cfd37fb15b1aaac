/**
 * The contract between the agent's pod sandboxes and the pod network (CNI): give a pod's
 * network namespace its interface and address, and take them back. The agent calls setUp
 * after creating the netns and tearDown before removing it; both must be idempotent, since
 * a restarted agent may repeat them.
 */
export interface PodNetworkRequest {
  /** Pod UID: the CNI container ID. */
  podUID: string;
  namespace: string;
  name: string;
  /** `/var/run/netns/<name>` of the pod. */
  netnsPath: string;
  /** hostPort mappings from the pod's containers (portmap). */
  portMappings?: { hostPort: number; containerPort: number; protocol: 'tcp' | 'udp'; hostIP?: string }[];
}

export interface PodNetworkResult {
  /** The pod's addresses, primary first (status.podIP / podIPs). */
  ips: string[];
  /** The default gateway inside the pod. */
  gateway?: string;
}

export interface PodNetwork {
  setUp(req: PodNetworkRequest): Promise<PodNetworkResult>;
  tearDown(req: PodNetworkRequest): Promise<void>;
  /** Frees allocations of pods that no longer exist (leaked by a crash). */
  garbageCollect?(livePodUIDs: Set<string>): Promise<void>;
}
