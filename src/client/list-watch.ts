import type { KubeObject } from '../api/types.js';
import type { GenericStore, WatchEventType } from '../apiserver/registry/generic-store.js';
import type { ApiError } from '../apiserver/errors.js';
import type { FieldRequirement } from '../apiserver/selectors/fields.js';
import type { LabelRequirement } from '../apiserver/selectors/labels.js';

/** A handle on a running watch. */
export interface WatchHandle {
  stop(): void;
}

/**
 * Where an informer gets its objects: a list (with the revision it was read at) and a watch
 * from a revision. In-process components use the registry directly; out-of-process ones
 * (agents) use the REST API — both look the same to an informer.
 */
export interface ListWatch {
  list(): Promise<{ items: KubeObject[]; resourceVersion: string }>;
  watch(
    resourceVersion: string,
    onEvent: (type: WatchEventType, obj: KubeObject) => void,
    /** The watch ended: `expired` when its revision was compacted away (a relist is needed). */
    onClose: (reason: { expired: boolean; error?: unknown }) => void,
  ): Promise<WatchHandle>;
}

/** A ListWatch over a GenericStore of this process (controllers inside the server). */
export function storeListWatch(store: GenericStore, opts: { namespace?: string; labels?: LabelRequirement[]; fields?: FieldRequirement[] } = {}): ListWatch {
  return {
    async list() {
      const out = await store.list(opts.namespace, { labels: opts.labels, fields: opts.fields });
      return { items: out.items, resourceVersion: out.resourceVersion };
    },
    async watch(resourceVersion, onEvent, onClose) {
      return store.watch(opts.namespace, {
        resourceVersion,
        labels: opts.labels,
        fields: opts.fields,
        onEvent,
        onError: (err: ApiError) => onClose({ expired: err.code === 410, error: err }),
      });
    },
  };
}
