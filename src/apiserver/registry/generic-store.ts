import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/object-meta.js';
import type { FieldError } from '../../api/validation/field-errors.js';
import { CompactedError, FutureRevisionError, KeyExistsError, KeyNotFoundError, RevisionConflictError } from '../../storage/errors.js';
import type { KeyValue, Store, Watcher } from '../../storage/store.js';
import { type Clock, rfc3339 } from '../../util/clock.js';
import { ApiError, type GroupResource } from '../errors.js';
import { matchesFields, type FieldRequirement } from '../selectors/fields.js';
import { matchesLabels, type LabelRequirement } from '../selectors/labels.js';
import { apiVersionOf, type ResourceDefinition } from './resource.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { WatchCache } from './watch-cache.js';

export interface ListOptions {
  labels?: LabelRequirement[];
  fields?: FieldRequirement[];
  limit?: number;
  continue?: string;
  /** `resourceVersion` query parameter ('' / '0' / a revision). */
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** Who writes, as `metadata.managedFields` records it (the `fieldManager` query parameter). */
  fieldManager?: string;
  /** A server-side apply: the object arrives with its managedFields already worked out. */
  applied?: boolean;
}

/**
 * Keeps `metadata.managedFields` in step with every write (server-side apply's bookkeeping).
 * The store calls it once the kind's strategy has shaped the object (defaults, status split),
 * so ownership covers exactly what is stored; `old` is undefined on create.
 */
export interface ManagedFieldsTracker {
  track(obj: KubeObject, old: KubeObject | undefined, write: { def: ResourceDefinition; fieldManager?: string; subresource?: UpdateSubresource }): void;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Update paths with their own rules: status, scale, a namespace's finalize. */
export type UpdateSubresource = 'status' | 'scale' | 'finalize';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchOptions {
  labels?: LabelRequirement[];
  fields?: FieldRequirement[];
  resourceVersion?: string;
  /** Send ADDED for current objects first (watch with RV '' or '0'). */
  onEvent: (type: WatchEventType, obj: KubeObject) => void;
  onError: (err: ApiError) => void;
}

/** Ask for namespaces' state (for the NamespaceLifecycle admission check). */
export type NamespaceLookup = (name: string) => Promise<KubeObject | undefined>;

/** Hooks outside the kind's own strategy (service IP allocation, …), run around writes. */
export interface StoreHooks {
  /** Before an object is created (after validation); may throw ApiError. */
  beforeCreate?(obj: KubeObject, opts: WriteOptions): Promise<void>;
  /** Before an update is written; may throw ApiError. */
  beforeUpdate?(obj: KubeObject, old: KubeObject, opts: WriteOptions): Promise<void>;
  /** After an object is gone from storage. */
  afterDelete?(obj: KubeObject): Promise<void>;
}

const generateNameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';
const maxGenerateNameTries = 8;

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += generateNameAlphabet[Math.floor(Math.random() * generateNameAlphabet.length)];
  return s;
}

/** Everything of an object but metadata and status: what counts as a spec change for generation. */
function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/**
 * One generic store that serves every kind: CRUD, conflict checks, generation, finalizers and
 * graceful deletion, selectors, paging and watch — with the kind's ResourceDefinition
 * supplying what differs (defaults, validation, status split, deletion hooks).
 */
export class GenericStore {
  readonly gr: GroupResource;
  /** Set by the server wiring; without it writes leave managedFields as they come. */
  managedFields?: ManagedFieldsTracker;
  private readonly prefix: string;
  private readonly apiVersion: string;
  private readonly storageApiVersion: string;
  private readonly storageKind: string;
  private watchCache?: WatchCache;

  constructor(
    readonly def: ResourceDefinition,
    private readonly storage: Store,
    private readonly clock: Clock,
    private readonly namespaces: NamespaceLookup,
    /** The definition whose form is stored (itself unless def.conversion says otherwise). */
    storageDef: ResourceDefinition = def,
    readonly hooks: StoreHooks = {},
  ) {
    this.gr = { group: def.group, resource: def.plural };
    const sr = def.conversion?.storageResource ?? { group: def.group, plural: def.plural };
    this.prefix = `/registry/${sr.group || 'core'}/${sr.plural}/`;
    this.apiVersion = apiVersionOf(def);
    this.storageApiVersion = apiVersionOf(storageDef);
    this.storageKind = storageDef.kind;
  }

  /** Storage key prefix for a namespace (or every namespace when ns is empty). */
  keyPrefix(ns?: string): string {
    return this.def.namespaced && ns ? `${this.prefix}${ns}/` : this.prefix;
  }

  key(ns: string | undefined, name: string): string {
    return this.def.namespaced ? `${this.prefix}${ns}/${name}` : `${this.prefix}${name}`;
  }

  private decode(kv: KeyValue): KubeObject {
    let obj = JSON.parse(kv.value) as KubeObject;
    if (this.def.conversion) obj = this.def.conversion.fromStorage(obj);
    obj.apiVersion = this.apiVersion;
    obj.kind = this.def.kind;
    obj.metadata.resourceVersion = String(kv.modRevision);
    return obj;
  }

  private encode(obj: KubeObject): string {
    let stored: KubeObject = { ...obj, metadata: { ...obj.metadata } };
    delete stored.metadata.resourceVersion;
    delete stored.metadata.selfLink;
    if (this.def.conversion) stored = this.def.conversion.toStorage(stored);
    stored.apiVersion = this.storageApiVersion;
    stored.kind = this.storageKind;
    return JSON.stringify(stored);
  }

  private notFound(name: string): ApiError {
    return ApiError.notFound(this.gr, name);
  }

  private invalid(name: string, errs: FieldError[]): ApiError {
    return ApiError.invalid({ group: this.def.group, kind: this.def.kind }, name, errs);
  }

  /** Reads the field a field selector names; metadata.name/namespace always work. */
  fieldValue(obj: KubeObject, field: string): string | undefined {
    if (field === 'metadata.name') return obj.metadata.name;
    if (field === 'metadata.namespace') return obj.metadata.namespace ?? '';
    const fn = this.def.fieldSelectors?.[field];
    return fn ? fn(obj) : undefined;
  }

  /** Rejects field selectors the kind does not support, as Kubernetes does. */
  checkFieldSelector(fields: FieldRequirement[] | undefined): void {
    for (const f of fields ?? []) {
      if (f.field === 'metadata.name' || f.field === 'metadata.namespace' || this.def.fieldSelectors?.[f.field]) continue;
      throw ApiError.badRequest(`field label not supported: ${f.field}`);
    }
  }

  matches(obj: KubeObject, labels?: LabelRequirement[], fields?: FieldRequirement[]): boolean {
    if (labels?.length && !matchesLabels(labels, obj.metadata.labels)) return false;
    if (fields?.length && !matchesFields(fields, (f) => this.fieldValue(obj, f))) return false;
    return true;
  }

  async get(ns: string | undefined, name: string): Promise<KubeObject> {
    const kv = await this.storage.get(this.key(ns, name));
    if (!kv) throw this.notFound(name);
    return this.decode(kv);
  }

  async list(ns: string | undefined, opts: ListOptions = {}): Promise<ListResult> {
    this.checkFieldSelector(opts.fields);
    const prefix = this.keyPrefix(ns);
    let revision: number | undefined;
    let startAfter: string | undefined;
    if (opts.continue) {
      const token = decodeContinue(opts.continue);
      revision = token.rv;
      startAfter = prefix + token.start;
    } else if (opts.resourceVersion && opts.resourceVersion !== '0' && opts.resourceVersionMatch === 'Exact') {
      revision = parseRevision(opts.resourceVersion);
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
    const items: KubeObject[] = [];
    let listRevision = 0;
    let more = false;
    let lastKey: string | undefined;
    let remaining: number | undefined;
    try {
      // Selectors filter after reading, so keep reading chunks until the page is full.
      for (;;) {
        const want = limit ? limit - items.length : undefined;
        const chunk = await this.storage.list(prefix, { limit: want ? Math.max(want, 100) : undefined, startAfter, revision });
        listRevision = chunk.revision;
        revision = chunk.revision;
        let i = 0;
        for (; i < chunk.items.length; i++) {
          const kv = chunk.items[i]!;
          const obj = this.decode(kv);
          lastKey = kv.key;
          if (!this.matches(obj, opts.labels, opts.fields)) continue;
          items.push(obj);
          if (limit && items.length >= limit) {
            i++;
            break;
          }
        }
        const unreadInChunk = i < chunk.items.length;
        more = unreadInChunk || chunk.more;
        if (!opts.labels?.length && !opts.fields?.length && chunk.remaining !== undefined) {
          remaining = chunk.remaining + (chunk.items.length - i);
        }
        if (!chunk.more || (limit && items.length >= limit)) break;
        startAfter = chunk.items[chunk.items.length - 1]!.key;
      }
    } catch (err) {
      if (err instanceof CompactedError) {
        if (opts.continue) {
          throw ApiError.expired(
            'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results.',
          );
        }
        throw ApiError.expired(`too old resource version: ${err.requested} (${err.compacted})`);
      }
      if (err instanceof FutureRevisionError) throw ApiError.timeout(`Too large resource version: ${err.requested}, current: ${err.current}`, 1);
      throw err;
    }
    const result: ListResult = { items, resourceVersion: String(listRevision) };
    if (more && limit && lastKey) {
      result.continue = encodeContinue(listRevision, lastKey.slice(prefix.length));
      if (remaining !== undefined && remaining > 0) result.remainingItemCount = remaining;
    }
    return result;
  }

  /** Checks the NamespaceLifecycle rules: the namespace exists and is not terminating. */
  private async admitNamespace(obj: KubeObject): Promise<void> {
    if (!this.def.namespaced) return;
    const nsName = obj.metadata.namespace!;
    const ns = await this.namespaces(nsName);
    if (!ns) throw ApiError.notFound({ group: '', resource: 'namespaces' }, nsName);
    if (ns.metadata.deletionTimestamp) {
      const msg = `unable to create new content in namespace ${nsName} because it is being terminated`;
      throw new ApiError(403, 'Forbidden', `${this.qualifiedName(obj.metadata.name ?? '')} is forbidden: ${msg}`, {
        name: obj.metadata.name,
        ...(this.def.group ? { group: this.def.group } : {}),
        kind: this.def.plural,
        causes: [{ reason: 'NamespaceTerminating', message: msg, field: 'metadata.namespace' }],
      });
    }
  }

  private qualifiedName(name: string): string {
    const q = this.def.group ? `${this.def.plural}.${this.def.group}` : this.def.plural;
    return `${q} "${name}"`;
  }

  /** Sets the request namespace on the object, rejecting a different one (as Kubernetes does). */
  private placeInNamespace(obj: KubeObject, ns: string | undefined): void {
    if (!this.def.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    if (obj.metadata.namespace && ns && obj.metadata.namespace !== ns) {
      throw ApiError.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = obj.metadata.namespace || ns;
  }

  async create(ns: string | undefined, input: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const obj = structuredClone(input);
    obj.metadata ??= {};
    this.placeInNamespace(obj, ns);
    const meta = obj.metadata;
    const generated = !meta.name && !!meta.generateName;
    for (let attempt = 0; ; attempt++) {
      if (generated) meta.name = meta.generateName + randomSuffix();
      meta.uid = randomUUID();
      meta.creationTimestamp = rfc3339(this.clock.now());
      delete meta.resourceVersion;
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
      delete meta.selfLink;
      if (this.def.tracksGeneration) meta.generation = 1;
      else delete meta.generation;
      this.def.defaults?.(obj);
      this.def.prepareForCreate?.(obj);
      if (!opts.applied) this.managedFields?.track(obj, undefined, { def: this.def, fieldManager: opts.fieldManager });
      const errs = [...validateObjectMeta(meta, this.def.namespaced, this.def.validateName), ...(this.def.validate?.(obj) ?? [])];
      if (errs.length) throw this.invalid(meta.name ?? meta.generateName ?? '', errs);
      await this.admitNamespace(obj);
      await this.hooks.beforeCreate?.(obj, opts);
      if (opts.dryRun) {
        if (await this.storage.get(this.key(meta.namespace, meta.name!))) throw ApiError.alreadyExists(this.gr, meta.name!);
        return { ...obj, apiVersion: this.apiVersion, kind: this.def.kind };
      }
      try {
        const kv = await this.storage.create(this.key(meta.namespace, meta.name!), this.encode(obj));
        return this.decode(kv);
      } catch (err) {
        // Give back what the hooks took for the object that was not stored.
        await this.hooks.afterDelete?.(obj);
        if (err instanceof KeyExistsError) {
          if (generated && attempt < maxGenerateNameTries) continue;
          throw ApiError.alreadyExists(this.gr, meta.name!);
        }
        throw err;
      }
    }
  }

  /**
   * Replaces an object (PUT, and the end of every patch). `mutate` receives the current
   * object and returns the desired one; it runs again if another writer got in first, unless
   * the desired object pinned a resourceVersion (then that is a 409 Conflict).
   */
  async update(
    ns: string | undefined,
    name: string,
    mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    opts: WriteOptions & { subresource?: UpdateSubresource } = {},
  ): Promise<KubeObject> {
    const key = this.key(ns, name);
    let result: KubeObject | undefined;
    let deleteAfter = false;
    const write = async (current: KeyValue | undefined): Promise<string> => {
      if (!current) throw this.notFound(name);
      const old = this.decode(current);
      const obj = structuredClone(await mutate(structuredClone(old)));
      obj.metadata ??= {};
      const rv = obj.metadata.resourceVersion;
      if (rv && rv !== old.metadata.resourceVersion) throw ApiError.staleUpdate(this.gr, name);
      this.placeInNamespace(obj, ns);
      if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
        throw ApiError.badRequest('the name of the object (' + obj.metadata.name + ') does not match the name on the URL (' + name + ')');
      }
      obj.metadata.name = name;
      this.prepareUpdate(obj, old, opts.subresource);
      if (!opts.applied) this.managedFields?.track(obj, old, { def: this.def, fieldManager: opts.fieldManager, subresource: opts.subresource });
      const errs = [
        ...validateObjectMeta(obj.metadata, this.def.namespaced, this.def.validateName),
        ...validateObjectMetaUpdate(obj.metadata, old.metadata),
        ...(this.def.validate?.(obj) ?? []),
        ...(this.def.validateUpdate?.(obj, old) ?? []),
      ];
      if (errs.length) throw this.invalid(name, errs);
      await this.hooks.beforeUpdate?.(obj, old, opts);
      // An object being deleted goes once nothing holds it any more.
      deleteAfter =
        !!obj.metadata.deletionTimestamp &&
        !obj.metadata.finalizers?.length &&
        !(this.def.finalizing?.(obj) ?? false) &&
        (obj.metadata.deletionGracePeriodSeconds ?? 0) === 0;
      result = obj;
      if (isDeepStrictEqual(obj, old)) return current.value;
      return this.encode(obj);
    };
    try {
      if (opts.dryRun) {
        const kv = await this.storage.get(key);
        await write(kv);
        return { ...result!, apiVersion: this.apiVersion, kind: this.def.kind };
      }
      const kv = await this.storage.guaranteedUpdate(key, write);
      const out = this.decode(kv);
      if (deleteAfter) return await this.finalDelete(out);
      return out;
    } catch (err) {
      if (err instanceof KeyNotFoundError) throw this.notFound(name);
      throw err;
    }
  }

  /** Applies the kind's spec/status split, generation and identity rules to an update. */
  private prepareUpdate(obj: KubeObject, old: KubeObject, subresource?: UpdateSubresource): void {
    const meta = obj.metadata;
    // Identity and system fields come from the stored object, whatever the client sent.
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    meta.namespace = old.metadata.namespace;
    if (old.metadata.deletionTimestamp) {
      meta.deletionTimestamp = old.metadata.deletionTimestamp;
      meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    delete meta.selfLink;
    if (subresource === 'status' || subresource === 'finalize') {
      // Status writes change status only (ResetObjectMetaForStatus + keep spec); a namespace's
      // finalize write changes spec.finalizers only.
      const status = obj.status;
      const finalizers = (obj.spec as { finalizers?: unknown } | undefined)?.finalizers;
      const rv = meta.resourceVersion;
      // managedFields come with the request, as Kubernetes' status reset leaves them (the
      // field manager, not the strategy, decides them).
      const managedFields = meta.managedFields;
      for (const k of Object.keys(obj)) delete obj[k];
      Object.assign(obj, structuredClone(old));
      if (managedFields === undefined) delete obj.metadata.managedFields;
      else obj.metadata.managedFields = managedFields;
      if (subresource === 'status') {
        if (status === undefined) delete obj.status;
        else obj.status = status;
      } else {
        obj.spec = { ...((obj.spec as object) ?? {}), finalizers: finalizers ?? [] };
      }
      obj.metadata.resourceVersion = rv;
      this.def.defaults?.(obj);
      return;
    }
    if (this.def.statusSubresource) {
      if (old.status === undefined) delete obj.status;
      else obj.status = structuredClone(old.status);
    }
    this.def.defaults?.(obj);
    this.def.prepareForUpdate?.(obj, old);
    if (this.def.tracksGeneration) {
      const oldGen = old.metadata.generation ?? 1;
      meta.generation = isDeepStrictEqual(specOf(obj), specOf(old)) ? oldGen : oldGen + 1;
    } else {
      delete meta.generation;
      if (old.metadata.generation !== undefined) meta.generation = old.metadata.generation;
    }
  }

  /**
   * DELETE: honours preconditions, graceful deletion and finalizers; returns the object as it
   * is after the request (with deletionTimestamp when it lingers) and whether it is gone.
   */
  async delete(ns: string | undefined, name: string, opts: DeleteOptions = {}): Promise<{ obj: KubeObject; gone: boolean }> {
    for (;;) {
      const current = await this.get(ns, name);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== current.metadata.uid) {
        throw ApiError.conflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw ApiError.conflict(
          this.gr,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
        );
      }
      const refusal = this.def.forbidDelete?.(current);
      if (refusal) throw ApiError.forbidden(this.gr, name, refusal);
      const obj = structuredClone(current);
      const meta = obj.metadata;
      const grace = this.def.gracePeriodSeconds ? this.def.gracePeriodSeconds(obj, opts.gracePeriodSeconds) : 0;
      const finalizers = [...(meta.finalizers ?? [])];
      if (opts.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
      if (opts.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
      const alreadyDeleting = !!meta.deletionTimestamp;
      const now = this.clock.now();
      if (!alreadyDeleting) this.def.prepareForDelete?.(obj);
      const lingers = finalizers.length > 0 || (this.def.finalizing?.(obj) ?? false);
      if (!lingers && grace === 0) {
        if (opts.dryRun) return { obj: current, gone: true };
        try {
          const kv = await this.storage.delete(this.key(ns, name), { modRevision: Number(current.metadata.resourceVersion) });
          await this.hooks.afterDelete?.(current);
          const out = this.decode(kv);
          return { obj: out, gone: true };
        } catch (err) {
          if (err instanceof RevisionConflictError) continue;
          if (err instanceof KeyNotFoundError) throw this.notFound(name);
          throw err;
        }
      }
      // The object stays: mark it (or shorten its grace period) and let its holders finish.
      const currentGrace = meta.deletionGracePeriodSeconds;
      if (alreadyDeleting && (grace >= (currentGrace ?? 0) || currentGrace === undefined) && isDeepStrictEqual(finalizers, meta.finalizers ?? [])) {
        return { obj: current, gone: false };
      }
      if (!alreadyDeleting || currentGrace === undefined || grace < currentGrace) {
        meta.deletionTimestamp = rfc3339(now + grace * 1000);
        meta.deletionGracePeriodSeconds = grace;
      }
      if (finalizers.length) meta.finalizers = finalizers;
      if (opts.dryRun) return { obj, gone: false };
      try {
        const kv = await this.storage.update(this.key(ns, name), this.encode(obj), Number(current.metadata.resourceVersion));
        return { obj: this.decode(kv), gone: false };
      } catch (err) {
        if (err instanceof RevisionConflictError) continue;
        throw err;
      }
    }
  }

  /** Removes an object whose deletion was pending once its last holder let go. */
  private async finalDelete(obj: KubeObject): Promise<KubeObject> {
    try {
      const kv = await this.storage.delete(this.key(obj.metadata.namespace, obj.metadata.name!), {
        modRevision: Number(obj.metadata.resourceVersion),
      });
      await this.hooks.afterDelete?.(obj);
      return this.decode(kv);
    } catch (err) {
      // Someone changed or removed it meanwhile; their write decides.
      if (err instanceof RevisionConflictError || err instanceof KeyNotFoundError) return obj;
      throw err;
    }
  }

  async deleteCollection(ns: string | undefined, list: ListOptions, opts: DeleteOptions): Promise<KubeObject[]> {
    const { items } = await this.list(ns, { labels: list.labels, fields: list.fields });
    const out: KubeObject[] = [];
    for (const item of items) {
      try {
        out.push((await this.delete(item.metadata.namespace, item.metadata.name!, opts)).obj);
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) continue;
        throw err;
      }
    }
    return out;
  }

  /** Watch from a resourceVersion ('' and '0' first replay the current objects as ADDED). */
  async watch(ns: string | undefined, opts: WatchOptions): Promise<Watcher> {
    this.checkFieldSelector(opts.fields);
    const rvParam = opts.resourceVersion ?? '';
    const { labels, fields } = opts;
    let after: number;
    if (rvParam === '' || rvParam === '0') {
      const listed = await this.list(ns, { labels, fields });
      for (const item of listed.items) opts.onEvent('ADDED', item);
      after = Number(listed.resourceVersion);
    } else {
      after = parseRevision(rvParam);
    }
    const expired = (compacted: number) => ApiError.expired(`too old resource version: ${after} (${compacted})`);
    // Turns one change into what this watcher sees, given its namespace and selectors.
    const filtered = !!labels?.length || !!fields?.length;
    const deliver = (kind: 'created' | 'updated' | 'deleted', obj: KubeObject, prev?: () => KubeObject) => {
      if (ns && this.def.namespaced && obj.metadata.namespace !== ns) return;
      const now = this.matches(obj, labels, fields);
      if (kind === 'deleted') {
        if (now) opts.onEvent('DELETED', obj);
        return;
      }
      // Only selector watches need the old object: it tells ADDED/DELETED transitions apart.
      const before = kind === 'updated' && (filtered && prev ? this.matches(prev(), labels, fields) : true);
      if (now && !before) opts.onEvent('ADDED', obj);
      else if (now) opts.onEvent('MODIFIED', obj);
      else if (before) opts.onEvent('DELETED', obj);
    };
    this.watchCache ??= this.createWatchCache();
    const shared = await this.watchCache.subscribe(after, (ev) => {
      if (ev.revision < 0) opts.onError(ApiError.expired(`too old resource version: ${after}`));
      else deliver(ev.kind, ev.obj, ev.prev);
    });
    if (shared) return shared;
    // Older than the cache reaches: replay from the store's history.
    try {
      return await this.storage.watch(this.keyPrefix(ns), {
        afterRevision: after,
        onEvent: (ev) => {
          if (ev.type === 'delete') return deliver('deleted', this.decode({ ...ev.kv, modRevision: ev.revision }));
          const created = ev.kv.createRevision === ev.kv.modRevision;
          const prevKv = ev.prev;
          deliver(created ? 'created' : 'updated', this.decode(ev.kv), !created && prevKv ? () => this.decode(prevKv) : undefined);
        },
        onError: (err) => opts.onError(err instanceof CompactedError ? expired(err.compacted) : ApiError.internal(err)),
      });
    } catch (err) {
      if (err instanceof CompactedError) throw expired(err.compacted);
      throw err;
    }
  }

  /**
   * Made outside watch(): a closure created there would share watch()'s scope and keep the
   * first watcher's callbacks (and whatever they hold) alive for as long as the cache lives.
   */
  private createWatchCache(): WatchCache {
    return new WatchCache(this.storage, this.prefix, (kv) => this.decode(kv));
  }

  /** Stops the shared watch behind this resource's watchers (server shutdown). */
  stopWatchCache(): void {
    this.watchCache?.stop();
  }
}

export function parseRevision(rv: string): number {
  const n = Number(rv);
  if (!/^\d+$/.test(rv) || !Number.isSafeInteger(n)) throw ApiError.badRequest(`invalid resource version: ${rv}`);
  return n;
}
