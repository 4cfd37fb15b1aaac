import type { KubeObject } from '../../api/types.js';
import type { EventRecorder, EventType, InvolvedObject } from '../../client/event-recorder.js';

/** `name_namespace(uid)`: how the kubelet names a pod in messages. */
export function podDescription(pod: KubeObject): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/**
 * Records events about a pod or one of its containers, referencing the container by
 * `spec.containers{name}` (or `spec.initContainers{name}`) as the kubelet does.
 */
export class PodEvents {
  constructor(private readonly recorder: EventRecorder) {}

  private ref(pod: KubeObject, container?: { name: string; init?: boolean }): InvolvedObject {
    return {
      kind: 'Pod',
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      apiVersion: 'v1',
      resourceVersion: pod.metadata.resourceVersion,
      ...(container ? { fieldPath: `spec.${container.init ? 'initContainers' : 'containers'}{${container.name}}` } : {}),
    };
  }

  container(pod: KubeObject, container: { name: string; init?: boolean }, type: EventType, reason: string, message: string): void {
    this.recorder.event(this.ref(pod, container), type, reason, message);
  }

  pod(pod: KubeObject, type: EventType, reason: string, message: string): void {
    this.recorder.event(this.ref(pod), type, reason, message);
  }
}
