import type { KubeObject } from '../../api/types.js';
import type { FieldError } from '../../api/validation/field-errors.js';
import type { UserInfo } from '../auth/user.js';

/** metav1.TableColumnDefinition. */
export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: '' | 'name' | 'date-time';
  description?: string;
  /** 0: always shown; 1: only with `-o wide`. */
  priority?: number;
}

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

/** How the scale subresource maps onto the object (autoscaling/v1 Scale). */
export interface ScaleMapping {
  /** Reads spec.replicas (and the desired number of replicas). */
  specReplicas: (obj: KubeObject) => number;
  setSpecReplicas: (obj: KubeObject, replicas: number) => void;
  statusReplicas: (obj: KubeObject) => number;
  /** The label selector in its string form, e.g. `app=web`. */
  selector: (obj: KubeObject) => string;
}

/** Converts between this resource's version and the stored form (e.g. events.k8s.io/v1 ⇄ core/v1 Event). */
export interface StorageConversion {
  /** `group/plural` of the resource whose stored objects this one shares, e.g. `/events`. */
  storageResource: { group: string; plural: string };
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}

/**
 * Everything the generic registry needs to serve one resource: identity for discovery and
 * URLs, and the kind's strategy (defaulting, validation, spec/status split, table columns,
 * field selectors). Adding a kind means writing one of these; nothing switches on kind.
 */
export interface ResourceDefinition {
  /** API group, '' for the core group. */
  group: string;
  version: string;
  kind: string;
  /** Plural resource name used in URLs, e.g. `deployments`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Served verbs; every verb when absent. */
  verbs?: Verb[];
  /** The kind has a status subresource: main writes keep the old status, status writes keep the rest. */
  statusSubresource?: boolean;
  scale?: ScaleMapping;
  /** metadata.generation is set to 1 on create and bumped when anything but metadata/status changes. */
  tracksGeneration?: boolean;
  /** Name rule (default: DNS-1123 subdomain). Returns the problems. */
  validateName?: (name: string) => string[];

  /** Scheme defaulting, applied to every object written (create, update, patch result). */
  defaults?(obj: KubeObject): void;
  /** Create-time normalisation (PrepareForCreate), e.g. clearing fields users may not set. */
  prepareForCreate?(obj: KubeObject): void;
  /** Update-time normalisation (PrepareForUpdate). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Validation of a new object, beyond the ObjectMeta rules every kind shares. */
  validate?(obj: KubeObject): FieldError[];
  /** Validation of an update (immutable fields, …), beyond validate(). */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];

  /** Columns for `kubectl get` (Table); Name and Created At when absent. */
  columns?: ColumnDefinition[];
  /** One row's cells, in column order. `now` is the server's clock in ms. */
  cells?(obj: KubeObject, now: number): unknown[];

  /** Field selectors beyond metadata.name and metadata.namespace, e.g. `status.phase`. */
  fieldSelectors?: Record<string, (obj: KubeObject) => string | undefined>;

  /** Name of the object's message in the protobuf schema table, e.g. `k8s.io.api.core.v1.Pod`. */
  protobufMessage?: string;

  /** Present when this resource is stored as another one (shared storage across versions). */
  conversion?: StorageConversion;

  /**
   * Graceful deletion (pods): the grace period in seconds to apply to a delete request that
   * asked for `requested` (undefined: not given). 0 deletes at once; more marks the object
   * with deletionTimestamp and leaves the final delete to whoever stops it (the agent).
   */
  gracePeriodSeconds?(obj: KubeObject, requested: number | undefined): number;
  /**
   * Create-only resources that are computed, not stored (SelfSubjectAccessReview, TokenReview …):
   * a POST returns what this returns, with status 201.
   */
  virtualCreate?(obj: KubeObject, user: UserInfo): Promise<KubeObject>;
  /**
   * Read-only resources computed on request, not stored (metrics.k8s.io NodeMetrics,
   * PodMetrics): get and list answer from the objects this returns for a namespace (all
   * namespaces when undefined); selectors are applied by the server; other verbs are refused.
   */
  virtualList?(namespace: string | undefined): Promise<KubeObject[]>;

  /** Refuses a deletion outright with this reason (403 Forbidden), e.g. the `default` namespace. */
  forbidDelete?(obj: KubeObject): string | undefined;
  /** Called when deletion starts (e.g. namespaces turn Terminating). */
  prepareForDelete?(obj: KubeObject): void;
  /**
   * The object stays after deletion starts, beyond metadata.finalizers, while this is true
   * (namespaces: until spec.finalizers is empty).
   */
  finalizing?(obj: KubeObject): boolean;
}

/** `plural.group`, the name Kubernetes uses in messages (`deployments.apps`, `pods`). */
export function qualifiedResource(def: Pick<ResourceDefinition, 'group' | 'plural'>): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

export function apiVersionOf(def: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
