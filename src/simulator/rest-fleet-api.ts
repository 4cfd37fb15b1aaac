import type { KubeObject } from '../api/types.js';
import { RestClient, restListWatch } from '../client/rest-client.js';
import { isConflict, isNotFound, type FleetApi } from './fleet-api.js';

function podPath(pod: KubeObject): string {
  return `/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace!)}/pods/${encodeURIComponent(pod.metadata.name!)}`;
}

/** A FleetApi over the REST API (`k8ts agent --simulate`): JSON requests, merge patches for status. */
export function restFleetApi(client: RestClient): FleetApi {
  const leaseRVs = new Map<string, string>();
  return {
    async registerNode(node) {
      try {
        return await client.create('/api/v1/nodes', node);
      } catch (err) {
        if (!isConflict(err)) throw err;
        return client.patch(`/api/v1/nodes/${encodeURIComponent(node.metadata.name!)}/status`, { status: node.status });
      }
    },
    async updateNodeStatus(name, status) {
      await client.patch(`/api/v1/nodes/${encodeURIComponent(name)}/status`, { status });
    },
    async renewLease(lease) {
      const ns = lease.metadata.namespace!;
      const name = lease.metadata.name!;
      const path = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${encodeURIComponent(name)}`;
      for (let attempt = 0; attempt < 3; attempt++) {
        const rv = leaseRVs.get(name);
        try {
          if (rv === undefined) {
            const cur = await client.get(path);
            leaseRVs.set(name, cur.metadata.resourceVersion!);
            continue;
          }
          const out = await client.update(path, { ...lease, metadata: { ...lease.metadata, resourceVersion: rv } });
          leaseRVs.set(name, out.metadata.resourceVersion!);
          return;
        } catch (err) {
          leaseRVs.delete(name);
          if (isNotFound(err)) {
            const out = await client.create(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, lease).catch((e) => {
              if (isConflict(e)) return undefined;
              throw e;
            });
            if (out) {
              leaseRVs.set(name, out.metadata.resourceVersion!);
              return;
            }
          } else if (!isConflict(err)) throw err;
        }
      }
    },
    boundPods: () => restListWatch(client, '/api/v1/pods', { fieldSelector: 'spec.nodeName!=' }),
    nodes: () => restListWatch(client, '/api/v1/nodes'),
    async updatePodStatus(pod, status) {
      await client.patch(`${podPath(pod)}/status`, { metadata: { uid: pod.metadata.uid }, status });
    },
    async deletePod(pod) {
      await client.delete(podPath(pod), { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    },
    close: () => client.close(),
  };
}
