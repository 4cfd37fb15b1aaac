import type { ContainerInfo } from '../runtime/container-runtime.js';

/**
 * Labels the agent stores with each runtime container (the kubelet's names where it has
 * them), so the pod state can be rebuilt from the runtime alone after a restart.
 */
export const labels = {
  podUid: 'io.kubernetes.pod.uid',
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  containerName: 'io.kubernetes.container.name',
  attempt: 'io.kubernetes.container.restartCount',
  /** The spec hash: a changed container definition restarts the container. */
  hash: 'io.kubernetes.container.hash',
  init: 'k8ts.io/init-container',
  image: 'k8ts.io/image',
  imageID: 'k8ts.io/image-id',
  terminationLog: 'k8ts.io/termination-message-path',
  terminationPolicy: 'k8ts.io/termination-message-policy',
} as const;

export function attemptOf(c: ContainerInfo): number {
  return Number(c.labels[labels.attempt] ?? 0);
}

/** A pod's runtime containers by container name, newest attempt first. */
export function containersByName(all: ContainerInfo[], podUid: string): Map<string, ContainerInfo[]> {
  const out = new Map<string, ContainerInfo[]>();
  for (const c of all) {
    if (c.labels[labels.podUid] !== podUid) continue;
    const name = c.labels[labels.containerName] ?? c.name;
    let list = out.get(name);
    if (!list) out.set(name, (list = []));
    list.push(c);
  }
  for (const list of out.values()) list.sort((a, b) => attemptOf(b) - attemptOf(a) || b.createdAt - a.createdAt);
  return out;
}
