import { join } from 'node:path';
import type { KubeObject } from '../../api/types.js';

/**
 * Where the agent keeps a pod's files: the kubelet's log layout
 * (`<logs>/<ns>_<pod>_<uid>/<container>/<restartCount>.log`) and per-container termination
 * message files in the pod's state dir.
 */
export class PodPaths {
  constructor(
    readonly podsDir: string,
    readonly logsDir: string,
  ) {}

  podLogDir(pod: Pick<KubeObject, 'metadata'>): string {
    return join(this.logsDir, `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`);
  }

  containerLog(pod: Pick<KubeObject, 'metadata'>, container: string, attempt: number): string {
    return join(this.podLogDir(pod), container, `${attempt}.log`);
  }

  terminationLog(podUid: string, container: string, attempt: number): string {
    return join(this.podsDir, podUid, 'termination', `${container}-${attempt}`);
  }
}
