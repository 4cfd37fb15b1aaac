// Mirrors the pod network contract (`src/agent/network/pod-network.ts`, owned by the
// networking work) so the runtime builds before that file lands; the shapes are identical.

/** What a network plugin is told about a pod sandbox. */
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
  gateway?: string;
}

/** Gives a pod's network namespace its interfaces and addresses (CNI); both calls idempotent. */
export interface PodNetwork {
  setUp(req: PodNetworkRequest): Promise<PodNetworkResult>;
  tearDown(req: PodNetworkRequest): Promise<void>;
  garbageCollect?(livePodUIDs: Set<string>): Promise<void>;
}

/** No plugin: the namespace has only its loopback, and the pod no IP yet. */
export const loopbackOnlyNetwork: PodNetwork = {
  setUp: async () => ({ ips: [] }),
  tearDown: async () => undefined,
};
