import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { ContainerTarget, PodNetworkTarget, StreamingTargets } from './contracts.js';

/**
 * The container labels the CRI defines and the kubelet sets on every container; the agent's
 * pod workers set them too, so streaming requests find containers by pod and name.
 */
export const CriLabel = {
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  podUid: 'io.kubernetes.pod.uid',
  containerName: 'io.kubernetes.container.name',
} as const;

/**
 * Finds exec/attach/port-forward targets in a ContainerRuntime by the CRI labels above:
 * the newest running container of that name in that pod, and the pod's ready sandbox.
 *
 * @example
 * const targets = new RuntimeTargets(runtime);
 * await targets.container('default', 'web', 'nginx');
 */
export class RuntimeTargets implements StreamingTargets {
  constructor(private readonly runtime: ContainerRuntime) {}

  private async podUid(namespace: string, pod: string): Promise<string | undefined> {
    const all = await this.runtime.list();
    const match = all.filter((c) => c.labels[CriLabel.podNamespace] === namespace && c.labels[CriLabel.podName] === pod).sort((a, b) => b.createdAt - a.createdAt);
    return match[0]?.labels[CriLabel.podUid] ?? match[0]?.sandboxId;
  }

  async container(namespace: string, pod: string, container: string): Promise<ContainerTarget | undefined> {
    const all = await this.runtime.list();
    const running = all
      .filter((c) => c.state.phase === 'running' && c.labels[CriLabel.podNamespace] === namespace && c.labels[CriLabel.podName] === pod && c.labels[CriLabel.containerName] === container)
      .sort((a, b) => b.createdAt - a.createdAt);
    const c = running[0];
    if (!c) return undefined;
    return { containerId: c.id, podUid: c.labels[CriLabel.podUid] ?? c.sandboxId, sandboxId: c.sandboxId };
  }

  async podNetwork(namespace: string, pod: string): Promise<PodNetworkTarget | undefined> {
    const uid = await this.podUid(namespace, pod);
    if (!uid) return undefined;
    const sandboxes = await this.runtime.listSandboxes();
    const sb = sandboxes.find((s) => s.podUid === uid && s.state === 'ready');
    return sb ? { podUid: sb.podUid, sandboxId: sb.id, netnsPath: sb.netnsPath } : undefined;
  }
}
