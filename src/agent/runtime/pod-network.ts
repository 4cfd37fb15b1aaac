/** The sandbox facts a network plugin needs. */
export interface NetworkAttachment {
  sandboxId: string;
  podUid: string;
  podName: string;
  namespace: string;
  /** `/var/run/netns/k8ts-…` */
  netnsPath: string;
}

/**
 * Gives a pod's network namespace its interfaces and addresses (CNI, later). The runtime
 * calls it after creating the namespace and before removing it.
 */
export interface PodNetwork {
  setUp(a: NetworkAttachment): Promise<{ ips: string[] }>;
  tearDown(a: NetworkAttachment): Promise<void>;
}

/** No plugin: the namespace has only its loopback, and the pod no IP yet. */
export const loopbackOnlyNetwork: PodNetwork = {
  setUp: async () => ({ ips: [] }),
  tearDown: async () => undefined,
};
