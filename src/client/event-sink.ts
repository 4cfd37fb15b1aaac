import type { KubeObject } from '../api/types.js';
import type { ResourceCatalog } from '../apiserver/registry/catalog.js';
import { RestClient } from './rest-client.js';

/** What an event recorder changes on a repeated event. */
export interface EventBump {
  count: number;
  lastTimestamp: string;
  message: string;
}

/**
 * Where recorded core/v1 Events go: the registry of this process, or an API server over REST.
 * Both throw ApiError (404 when a bumped event is gone, 409 when a created one exists).
 */
export interface EventSink {
  create(namespace: string, event: KubeObject): Promise<KubeObject>;
  bump(namespace: string, name: string, change: EventBump): Promise<KubeObject>;
}

/** An EventSink writing through this process's registry (controllers inside the server). */
export function catalogEventSink(catalog: ResourceCatalog): EventSink {
  const events = () => {
    const store = catalog.lookup('', 'v1', 'events');
    if (!store) throw new Error('core/v1 events are not served');
    return store;
  };
  return {
    create: (namespace, event) => events().create(namespace, event),
    bump: (namespace, name, change) => events().update(namespace, name, (cur) => ({ ...cur, ...change })),
  };
}

/** An EventSink over the REST API (agents, simulated nodes, out-of-process controllers). */
export function restEventSink(client: RestClient): EventSink {
  const path = (ns: string, name?: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}/events${name ? `/${encodeURIComponent(name)}` : ''}`;
  return {
    create: (namespace, event) => client.create(path(namespace), event),
    bump: (namespace, name, change) => client.patch(path(namespace, name), change, 'application/strategic-merge-patch+json'),
  };
}

/** Accepts a catalog, a RestClient or a ready sink. */
export function toEventSink(target: ResourceCatalog | RestClient | EventSink): EventSink {
  if (target instanceof RestClient) return restEventSink(target);
  if ('lookup' in target && typeof target.lookup === 'function') return catalogEventSink(target);
  return target as EventSink;
}
