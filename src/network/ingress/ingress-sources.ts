import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../apiserver/errors.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import { type ListWatch, storeListWatch } from '../../client/list-watch.js';
import { type RestClient, restListWatch } from '../../client/rest-client.js';

/** What the controller watches. */
export interface IngressSources {
  ingresses: ListWatch;
  ingressClasses: ListWatch;
  services: ListWatch;
  endpointSlices: ListWatch;
  secrets: ListWatch;
}

/** The writes the controller makes. */
export interface IngressWriter {
  /** Creates the class if missing (an existing one is left as the user made it). */
  ensureIngressClass(obj: KubeObject): Promise<void>;
  /** Replaces `status.loadBalancer` of an Ingress through the status subresource. */
  setLoadBalancer(namespace: string, name: string, ingress: { ip: string }[]): Promise<void>;
}

export function storeIngressSources(catalog: ResourceCatalog): IngressSources {
  return {
    ingresses: storeListWatch(catalog.lookup('networking.k8s.io', 'v1', 'ingresses')!),
    ingressClasses: storeListWatch(catalog.lookup('networking.k8s.io', 'v1', 'ingressclasses')!),
    services: storeListWatch(catalog.lookup('', 'v1', 'services')!),
    endpointSlices: storeListWatch(catalog.lookup('discovery.k8s.io', 'v1', 'endpointslices')!),
    secrets: storeListWatch(catalog.lookup('', 'v1', 'secrets')!),
  };
}

export function restIngressSources(client: RestClient): IngressSources {
  return {
    ingresses: restListWatch(client, '/apis/networking.k8s.io/v1/ingresses'),
    ingressClasses: restListWatch(client, '/apis/networking.k8s.io/v1/ingressclasses'),
    services: restListWatch(client, '/api/v1/services'),
    endpointSlices: restListWatch(client, '/apis/discovery.k8s.io/v1/endpointslices'),
    secrets: restListWatch(client, '/api/v1/secrets'),
  };
}

function ignore(codes: number[]) {
  return (err: unknown) => {
    if (!(err instanceof ApiError && codes.includes(err.code))) throw err;
  };
}

export function storeIngressWriter(catalog: ResourceCatalog): IngressWriter {
  return {
    async ensureIngressClass(obj) {
      await catalog.lookup('networking.k8s.io', 'v1', 'ingressclasses')!.create(undefined, obj).catch(ignore([409]));
    },
    async setLoadBalancer(namespace, name, ingress) {
      const store = catalog.lookup('networking.k8s.io', 'v1', 'ingresses')!;
      await store
        .update(namespace, name, (cur) => ({ ...cur, status: { ...((cur.status as object) ?? {}), loadBalancer: { ingress } } }), { subresource: 'status' })
        .catch(ignore([404]));
    },
  };
}

export function restIngressWriter(client: RestClient): IngressWriter {
  return {
    async ensureIngressClass(obj) {
      await client.create('/apis/networking.k8s.io/v1/ingressclasses', obj).catch(ignore([409]));
    },
    async setLoadBalancer(namespace, name, ingress) {
      await client
        .patch(`/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses/${name}/status`, { status: { loadBalancer: { ingress } } })
        .catch(ignore([404]));
    },
  };
}
