import type { KubeObject } from '../api/types.js';
import type { ResourceCatalog } from '../apiserver/registry/catalog.js';
import { parseFieldSelector } from '../apiserver/selectors/fields.js';
import { parseLabelSelector } from '../apiserver/selectors/labels.js';
import { type ListWatch, storeListWatch } from '../client/list-watch.js';
import { type RestClient, restListWatch } from '../client/rest-client.js';

/** The kinds the node's networking reads. */
export type NetworkResource = 'services' | 'endpointslices' | 'nodes' | 'pods' | 'namespaces' | 'networkpolicies';

const groups: Record<NetworkResource, { group: string; version: string; namespaced: boolean }> = {
  services: { group: '', version: 'v1', namespaced: true },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', namespaced: true },
  nodes: { group: '', version: 'v1', namespaced: false },
  pods: { group: '', version: 'v1', namespaced: true },
  namespaces: { group: '', version: 'v1', namespaced: false },
  networkpolicies: { group: 'networking.k8s.io', version: 'v1', namespaced: true },
};

export interface SelectorQuery {
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * What the pod network, the service proxy and the policy enforcer need from the cluster.
 * Inside the server it is the registry itself; in an agent it is the REST API — the same
 * code runs against both.
 */
export interface NetworkApi {
  listWatch(resource: NetworkResource, query?: SelectorQuery): ListWatch;
  /** Replaces a Service's `status.loadBalancer` through the status subresource. */
  setServiceLoadBalancer(namespace: string, name: string, loadBalancer: Record<string, unknown>): Promise<void>;
}

function apiPath(resource: NetworkResource): string {
  const g = groups[resource];
  return g.group ? `/apis/${g.group}/${g.version}/${resource}` : `/api/${g.version}/${resource}`;
}

/**
 * The NetworkApi of an out-of-process component (an agent).
 *
 * @example
 * const api = restNetworkApi(new RestClient(restConfigFromKubeconfig(kubeconfig)));
 */
export function restNetworkApi(client: RestClient): NetworkApi {
  return {
    listWatch: (resource, query = {}) => {
      const q: Record<string, string> = {};
      if (query.labelSelector) q.labelSelector = query.labelSelector;
      if (query.fieldSelector) q.fieldSelector = query.fieldSelector;
      return restListWatch(client, apiPath(resource), q);
    },
    setServiceLoadBalancer: async (namespace, name, loadBalancer) => {
      // A JSON merge patch replaces the ingress list as a whole, which is what we want.
      await client.patch(`/api/v1/namespaces/${namespace}/services/${name}/status`, { status: { loadBalancer: { ...loadBalancer, ingress: loadBalancer.ingress ?? null } } });
    },
  };
}

/**
 * The NetworkApi of a component inside the server process.
 *
 * @example
 * const api = catalogNetworkApi(ctx.catalog);
 */
export function catalogNetworkApi(catalog: ResourceCatalog): NetworkApi {
  const store = (resource: NetworkResource) => {
    const g = groups[resource];
    const s = catalog.lookup(g.group, g.version, resource);
    if (!s) throw new Error(`resource ${resource} is not served`);
    return s;
  };
  return {
    listWatch: (resource, query = {}) =>
      storeListWatch(store(resource), {
        labels: query.labelSelector ? parseLabelSelector(query.labelSelector) : undefined,
        fields: query.fieldSelector ? parseFieldSelector(query.fieldSelector) : undefined,
      }),
    setServiceLoadBalancer: async (namespace, name, loadBalancer) => {
      await store('services').update(namespace, name, (svc: KubeObject) => ({ ...svc, status: { ...(svc.status as object), loadBalancer } }), { subresource: 'status' });
    },
  };
}
