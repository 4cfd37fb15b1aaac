import type { PodNetwork } from '../network/pod-network.js';

export type { PodNetwork, PodNetworkRequest, PodNetworkResult } from '../network/pod-network.js';

/** No plugin: the namespace has only its loopback, and the pod no IP yet. */
export const loopbackOnlyNetwork: PodNetwork = {
  setUp: async () => ({ ips: [] }),
  tearDown: async () => undefined,
};
