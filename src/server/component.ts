import type { ResourceCatalog } from '../apiserver/registry/catalog.js';
import type { ResourceDefinition } from '../apiserver/registry/resource.js';
import type { StoreHooks } from '../apiserver/registry/generic-store.js';
import type { SubresourceRegistration } from '../apiserver/http/context.js';
import type { PathHandler } from '../apiserver/server.js';
import type { ClusterPki } from '../pki/cluster-pki.js';
import type { Store } from '../storage/store.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { ServerConfig } from './config.js';

/** What a running component may use. */
export interface ComponentContext {
  config: ServerConfig;
  catalog: ResourceCatalog;
  /** The raw store, for components that keep their own keys (allocators). */
  store: Store;
  pki: ClusterPki;
  clock: Clock;
  log: Logger;
  /** `https://127.0.0.1:PORT` of this server. */
  url: string;
  port: number;
}

/**
 * A piece of `k8ts server` (a controller, the scheduler, the embedded agent …), k3s-style:
 * it may contribute API pieces before the server listens, and runs once the API is up.
 * Components can be switched off by name with `--disable <name>`.
 */
export interface ServerComponent {
  name: string;
  resources?: ResourceDefinition[];
  subresources?: SubresourceRegistration[];
  /** Admission-style hooks around writes, keyed `group/plural` (e.g. `/pods`); several components' hooks run in order. */
  hooks?: Record<string, StoreHooks>;
  paths?: Record<string, PathHandler>;
  /** Paths among `paths` that need no credentials (they check something else, e.g. a join token). */
  publicPaths?: string[];
  start?(ctx: ComponentContext): Promise<void>;
  stop?(): Promise<void> | void;
}
