import type { Store } from '../../storage/store.js';
import type { Clock } from '../../util/clock.js';
import { GenericStore, type StoreHooks } from './generic-store.js';
import type { ResourceDefinition } from './resource.js';

/** One API group with its versions in preference order, as discovery lists them. */
export interface GroupInfo {
  name: string;
  versions: string[];
}

/**
 * Every served resource, by group/version/plural, each with its GenericStore. Discovery,
 * routing and controllers all read from here.
 */
export class ResourceCatalog {
  private readonly stores = new Map<string, GenericStore>();
  private readonly byKind = new Map<string, GenericStore>();
  readonly groups: GroupInfo[] = [];

  constructor(
    defs: ResourceDefinition[],
    storage: Store,
    clock: Clock,
    hooks: Record<string, StoreHooks> = {},
  ) {
    const namespaces = (name: string) => this.lookup('', 'v1', 'namespaces')!.get(undefined, name).catch(() => undefined);
    const byStorage = new Map<string, ResourceDefinition>();
    for (const d of defs) if (!d.conversion) byStorage.set(`${d.group}/${d.plural}`, d);
    for (const def of defs) {
      const sr = def.conversion?.storageResource;
      const storageDef = sr ? byStorage.get(`${sr.group}/${sr.plural}`) : def;
      if (!storageDef) throw new Error(`${def.plural}.${def.group}: stored as unknown resource ${sr!.plural}.${sr!.group}`);
      const store = new GenericStore(def, storage, clock, namespaces, storageDef, hooks[`${def.group}/${def.plural}`] ?? hooks[`${sr?.group}/${sr?.plural}`]);
      this.stores.set(`${def.group}/${def.version}/${def.plural}`, store);
      const kindKey = `${def.group}/${def.version}/${def.kind}`;
      if (!this.byKind.has(kindKey)) this.byKind.set(kindKey, store);
      let g = this.groups.find((x) => x.name === def.group);
      if (!g) this.groups.push((g = { name: def.group, versions: [] }));
      if (!g.versions.includes(def.version)) g.versions.push(def.version);
    }
  }

  lookup(group: string, version: string, plural: string): GenericStore | undefined {
    return this.stores.get(`${group}/${version}/${plural}`);
  }

  /** The store serving a kind (e.g. to resolve an ownerReference). */
  lookupKind(apiVersion: string, kind: string): GenericStore | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    return this.byKind.get(`${group}/${version}/${kind}`);
  }

  /** Resources of one group/version, in definition order. */
  resources(group: string, version: string): GenericStore[] {
    return [...this.stores.values()].filter((s) => s.def.group === group && s.def.version === version);
  }

  all(): GenericStore[] {
    return [...this.stores.values()];
  }
}
