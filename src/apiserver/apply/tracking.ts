import type { ResourceCatalog } from '../registry/catalog.js';
import type { ManagedFieldsTracker } from '../registry/generic-store.js';
import { apiVersionOf } from '../registry/resource.js';
import { defaultSchemaRegistry } from '../openapi/index.js';
import { rfc3339, type Clock } from '../../util/clock.js';
import { FieldManager } from './field-manager.js';

/** Who writes when an in-process component writes without naming itself. */
export const IN_PROCESS_MANAGER = 'k8ts';

let shared: FieldManager | undefined;

/** The field manager over the built-in schemas (and whatever joins the default registry later). */
export function defaultFieldManager(): FieldManager {
  return (shared ??= new FieldManager(defaultSchemaRegistry()));
}

/**
 * A tracker that records every Update-operation write in `metadata.managedFields`.
 *
 * @example store.managedFields = managedFieldsTracker(defaultFieldManager(), clock);
 */
export function managedFieldsTracker(fm: FieldManager, clock: Clock): ManagedFieldsTracker {
  return {
    track(obj, old, write) {
      fm.trackUpdate(obj, old, {
        manager: write.fieldManager ?? IN_PROCESS_MANAGER,
        apiVersion: apiVersionOf(write.def),
        kind: write.def.kind,
        subresource: write.subresource,
        now: rfc3339(clock.now()),
        statusSplit: !!write.def.statusSubresource,
      });
    },
  };
}

/** Turns on managedFields bookkeeping for every store of the catalog. */
export function attachFieldManagement(catalog: ResourceCatalog, clock: Clock, fm: FieldManager = defaultFieldManager()): FieldManager {
  const tracker = managedFieldsTracker(fm, clock);
  for (const store of catalog.all()) store.managedFields = tracker;
  return fm;
}
