import type { KubeObject } from '../../api/types.js';
import type { ContainerSpec } from './container-config.js';

const minKillGraceSeconds = 2;

/** The parts of a pod spec the agent acts on, with the API's defaults. */
export function specOf(pod: KubeObject): { containers: ContainerSpec[]; initContainers: ContainerSpec[]; restartPolicy: string; hostNetwork: boolean; terminationGracePeriodSeconds?: number } {
  const s = (pod.spec ?? {}) as Record<string, unknown>;
  return {
    containers: (s.containers as ContainerSpec[]) ?? [],
    initContainers: (s.initContainers as ContainerSpec[]) ?? [],
    restartPolicy: (s.restartPolicy as string) ?? 'Always',
    hostNetwork: s.hostNetwork === true,
    terminationGracePeriodSeconds: s.terminationGracePeriodSeconds as number | undefined,
  };
}

/** restartPolicy for one container exit: Always restarts, OnFailure on non-zero, Never never. */
export function shouldRestart(policy: string, exitCode: number): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

/** How long a pod's containers get to stop: the deletion grace, else the spec's, at least 2 s. */
export function killGraceSeconds(pod: KubeObject): number {
  const g = pod.metadata.deletionGracePeriodSeconds ?? specOf(pod).terminationGracePeriodSeconds ?? 30;
  return Math.max(minKillGraceSeconds, g);
}

/** hostPort mappings of the pod's containers, for the network plugin (portmap). */
export function portMappings(pod: KubeObject) {
  const out: { hostPort: number; containerPort: number; protocol: 'tcp' | 'udp'; hostIP?: string }[] = [];
  for (const c of specOf(pod).containers as { ports?: { hostPort?: number; containerPort: number; protocol?: string; hostIP?: string }[] }[]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: (p.protocol ?? 'TCP').toLowerCase() as 'tcp' | 'udp', ...(p.hostIP ? { hostIP: p.hostIP } : {}) });
    }
  }
  return out;
}

