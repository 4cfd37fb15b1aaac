import type { KubeObject } from '../api/types.js';
import { bindPod } from '../apiserver/pods/binding.js';
import { ApiError } from '../apiserver/errors.js';
import type { ResourceCatalog } from '../apiserver/registry/catalog.js';
import type { Store } from '../storage/store.js';
import type { Clock } from '../util/clock.js';
import type { SchedulerApi } from './framework/handle.js';

/** The scheduler's API calls inside the server: pods/binding's logic and the pod registry, no HTTP. */
export function catalogSchedulerApi(catalog: ResourceCatalog, storage: Store, clock: Clock): SchedulerApi {
  const pods = catalog.lookup('', 'v1', 'pods')!;
  return {
    async bind(pod, nodeName) {
      await bindPod({ storage, pods, clock }, pod.metadata.namespace!, pod.metadata.name!, {
        metadata: { name: pod.metadata.name, uid: pod.metadata.uid },
        target: { kind: 'Node', name: nodeName },
      });
    },
    async updatePodStatus(pod, mutate) {
      await pods.update(
        pod.metadata.namespace,
        pod.metadata.name!,
        (cur: KubeObject) => {
          if (cur.metadata.uid !== pod.metadata.uid) throw ApiError.conflict(pods.gr, pod.metadata.name!, 'the pod was replaced');
          const status = (cur.status ?? {}) as Record<string, unknown>;
          if (!mutate(status)) return cur;
          cur.status = status;
          return cur;
        },
        { subresource: 'status' },
      );
    },
    async deletePod(pod) {
      await pods.delete(pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
    },
  };
}
