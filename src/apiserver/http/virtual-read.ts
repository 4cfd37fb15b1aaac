import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../errors.js';
import { matchesFields } from '../selectors/fields.js';
import { matchesLabels } from '../selectors/labels.js';
import type { ResourceRequest } from './context.js';

/**
 * get / list of a computed read-only resource (ResourceDefinition.virtualList): the label and
 * field selectors (`metadata.name`, `metadata.namespace`) are applied here, a missing name is
 * a NotFound of the resource, and every other verb is MethodNotSupported.
 *
 * @example
 * if (store.def.virtualList) return handleVirtualRead(r, selectorsOf(query), respondObject, respondList);
 */
export async function handleVirtualRead(
  r: ResourceRequest,
  selectors: { labels?: Parameters<typeof matchesLabels>[0]; fields?: Parameters<typeof matchesFields>[0] },
  one: (r: ResourceRequest, code: number, obj: KubeObject) => void,
  many: (r: ResourceRequest, items: KubeObject[], meta: { resourceVersion: string }) => void,
): Promise<void> {
  const { info, store } = r;
  const list = store.def.virtualList!;
  const ns = store.def.namespaced ? info.namespace : undefined;
  if (info.subresource) throw ApiError.pathNotFound();
  if (info.verb === 'get') {
    const obj = (await list(ns)).find((o) => o.metadata.name === info.name);
    if (!obj) throw ApiError.notFound(store.gr, info.name!);
    return one(r, 200, obj);
  }
  if (info.verb !== 'list') throw ApiError.methodNotSupported(store.gr, info.verb);
  const items = (await list(ns)).filter((o) => {
    if (selectors.labels && !matchesLabels(selectors.labels, o.metadata.labels)) return false;
    const fields: Record<string, string | undefined> = { 'metadata.name': o.metadata.name, 'metadata.namespace': o.metadata.namespace };
    return !selectors.fields || matchesFields(selectors.fields, (f) => fields[f]);
  });
  items.sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  return many(r, items, { resourceVersion: '' });
}
