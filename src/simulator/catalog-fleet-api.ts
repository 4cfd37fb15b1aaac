import type { KubeObject } from '../api/types.js';
import { ApiError } from '../apiserver/errors.js';
import type { ResourceCatalog } from '../apiserver/registry/catalog.js';
import { storeListWatch } from '../client/list-watch.js';
import { updateStoredObject } from '../apiserver/pods/stored-update.js';
import type { Store } from '../storage/store.js';
import { isConflict, isNotFound, type FleetApi } from './fleet-api.js';

/**
 * A FleetApi for a fleet inside the server: the registry, no HTTP. Given the raw store, the
 * two writes that scale with the fleet — Lease renewals and pod status — go straight to
 * storage (a compare-and-swap on the stored object, watched like any write) instead of
 * through the registry's update strategy and field manager, which cost several times more
 * and check nothing a simulated kubelet could get wrong. Nodes are registered through the
 * registry as usual.
 */
export function catalogFleetApi(catalog: ResourceCatalog, storage?: Store): FleetApi {
  const nodes = catalog.lookup('', 'v1', 'nodes')!;
  const pods = catalog.lookup('', 'v1', 'pods')!;
  const leases = catalog.lookup('coordination.k8s.io', 'v1', 'leases')!;
  return {
    async registerNode(node) {
      try {
        return await nodes.create(undefined, node);
      } catch (err) {
        if (!isConflict(err)) throw err;
        // A node of that name exists (a restart): keep its labels and taints, take its status over.
        return nodes.update(undefined, node.metadata.name!, (cur) => ({ ...cur, status: node.status }), { subresource: 'status' });
      }
    },
    async updateNodeStatus(name, status) {
      await nodes.update(undefined, name, (cur) => ({ ...cur, status }), { subresource: 'status' });
    },
    async renewLease(lease) {
      const ns = lease.metadata.namespace;
      const renew = (cur: KubeObject) => ({ ...cur, spec: { ...(cur.spec as object), ...(lease.spec as object) } });
      try {
        if (storage) await updateStoredObject(storage, leases, ns, lease.metadata.name!, renew);
        else await leases.update(ns, lease.metadata.name!, renew);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await leases.create(ns, lease).catch((e) => {
          if (!isConflict(e)) throw e;
        });
      }
    },
    boundPods: () => storeListWatch(pods, { fields: [{ field: 'spec.nodeName', op: '!=', value: '' }] }),
    nodes: () => storeListWatch(nodes),
    async updatePodStatus(pod, status) {
      if (storage) {
        await updateStoredObject(storage, pods, pod.metadata.namespace, pod.metadata.name!, (cur) => {
          if (cur.metadata.uid !== pod.metadata.uid) throw ApiError.conflict(pods.gr, pod.metadata.name!, 'the pod was replaced');
          return { ...cur, status };
        });
        return;
      }
      await pods.update(
        pod.metadata.namespace,
        pod.metadata.name!,
        (cur) => {
          if (cur.metadata.uid !== pod.metadata.uid) throw ApiError.conflict(pods.gr, pod.metadata.name!, 'the pod was replaced');
          return { ...cur, status };
        },
        { subresource: 'status' },
      );
    },
    async deletePod(pod) {
      await pods.delete(pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    },
  };
}
