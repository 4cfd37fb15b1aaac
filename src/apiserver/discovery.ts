import type { ResourceCatalog } from './registry/catalog.js';
import type { GenericStore } from './registry/generic-store.js';
import { apiVersionOf, type Verb } from './registry/resource.js';

const allVerbs: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** A subresource served beside a resource (status, scale, log, exec, …). */
export interface SubresourceInfo {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

/** Subresources contributed by handlers outside the generic store, keyed `group/plural`. */
export type ExtraSubresources = Record<string, SubresourceInfo[]>;

function subresourcesOf(store: GenericStore, extra: ExtraSubresources): SubresourceInfo[] {
  const def = store.def;
  const out: SubresourceInfo[] = [];
  if (def.statusSubresource) out.push({ name: 'status', kind: def.kind, verbs: ['get', 'patch', 'update'] });
  if (def.scale) out.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
  out.push(...(extra[`${def.group}/${def.plural}`] ?? []));
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** /api/v1 or /apis/<g>/<v>: the legacy APIResourceList. */
export function resourceList(catalog: ResourceCatalog, group: string, version: string, extra: ExtraSubresources) {
  const resources: Record<string, unknown>[] = [];
  const stores = catalog.resources(group, version).sort((a, b) => a.def.plural.localeCompare(b.def.plural));
  for (const s of stores) {
    const d = s.def;
    const r: Record<string, unknown> = {
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.verbs ?? allVerbs,
    };
    if (d.shortNames?.length) r.shortNames = d.shortNames;
    if (d.categories?.length) r.categories = d.categories;
    resources.push(r);
    for (const sub of subresourcesOf(s, extra)) {
      const sr: Record<string, unknown> = { name: `${d.plural}/${sub.name}`, singularName: '', namespaced: d.namespaced, kind: sub.kind, verbs: sub.verbs };
      if (sub.group !== undefined) sr.group = sub.group;
      if (sub.version !== undefined) sr.version = sub.version;
      resources.push(sr);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

export function apiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(name: string, versions: string[]) {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

export function apiGroupList(catalog: ResourceCatalog) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: catalog.groups.filter((g) => g.name !== '').map((g) => groupEntry(g.name, g.versions)),
  };
}

export function apiGroup(catalog: ResourceCatalog, name: string) {
  const g = catalog.groups.find((x) => x.name === name && name !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g.name, g.versions) } : undefined;
}

/** Aggregated discovery (apidiscovery.k8s.io v2 / v2beta1) for `/api` (core) or `/apis` (groups). */
export function aggregatedDiscovery(catalog: ResourceCatalog, core: boolean, version: 'v2' | 'v2beta1', extra: ExtraSubresources) {
  const groups = catalog.groups.filter((g) => (core ? g.name === '' : g.name !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name },
      versions: g.versions.map((v) => ({
        version: v,
        freshness: 'Current',
        resources: catalog
          .resources(g.name, v)
          .sort((a, b) => a.def.plural.localeCompare(b.def.plural))
          .map((s) => {
            const d = s.def;
            const r: Record<string, unknown> = {
              resource: d.plural,
              responseKind: { group: d.group, version: d.version, kind: d.kind },
              scope: d.namespaced ? 'Namespaced' : 'Cluster',
              singularResource: d.singular,
              verbs: d.verbs ?? allVerbs,
            };
            if (d.shortNames?.length) r.shortNames = d.shortNames;
            if (d.categories?.length) r.categories = d.categories;
            const subs = subresourcesOf(s, extra);
            if (subs.length) {
              r.subresources = subs.map((sub) => ({
                subresource: sub.name,
                responseKind: { group: sub.group ?? d.group, version: sub.version ?? d.version, kind: sub.kind },
                verbs: sub.verbs,
              }));
            }
            return r;
          }),
      })),
    })),
  };
}
