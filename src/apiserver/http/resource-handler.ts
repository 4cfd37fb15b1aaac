import type { KubeObject } from '../../api/types.js';
import { ApiError, successStatus } from '../errors.js';
import type { GenericStore, ListOptions } from '../registry/generic-store.js';
import { apiVersionOf } from '../registry/resource.js';
import { parseFieldSelector, FieldSelectorParseError, type FieldRequirement } from '../selectors/fields.js';
import { parseLabelSelector, LabelSelectorParseError, type LabelRequirement } from '../selectors/labels.js';
import { partialObjectMetadata, toTable, type IncludeObject } from '../table/table.js';
import { decodeObjectBody, parseJson, readBody } from './body.js';
import type { ResourceRequest } from './context.js';
import { parseMediaType } from './media-type.js';
import { writeObject } from './respond.js';
import { handleFieldValidation, parseFieldValidation, pruneUnknownFields, warningHeaderValue } from '../openapi/index.js';
import { handleScale } from './scale-handler.js';
import { handleWatch } from './watch-handler.js';
import { handleVirtualRead } from './virtual-read.js';
import { APPLY_PATCH_TYPE, handleApply } from '../apply/apply-request.js';
import { fieldManagerOf, forceNotAllowed } from '../apply/manager-name.js';

export function selectorsOf(query: URLSearchParams): { labels?: LabelRequirement[]; fields?: FieldRequirement[] } {
  try {
    const ls = query.get('labelSelector');
    const fs = query.get('fieldSelector');
    return { labels: ls ? parseLabelSelector(ls) : undefined, fields: fs ? parseFieldSelector(fs) : undefined };
  } catch (err) {
    if (err instanceof LabelSelectorParseError || err instanceof FieldSelectorParseError) throw ApiError.badRequest(err.message);
    throw err;
  }
}

export function dryRunOf(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw ApiError.badRequest(`Invalid dryRun value: ${v}; accepted values: All`);
  return values.length > 0;
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw ApiError.badRequest(`invalid ${name}: ${v}`);
  return n;
}

/** Writes a single object, honouring Table and metadata-only requests. */
export function respondObject(r: ResourceRequest, code: number, obj: KubeObject): void {
  const { format } = r;
  if (format.as === 'Table') {
    const include = (r.query.get('includeObject') ?? 'Metadata') as IncludeObject;
    const table = toTable(r.store.def, [obj], { now: r.ctx.clock.now(), includeObject: include, asVersion: format.asVersion, listMeta: { resourceVersion: obj.metadata.resourceVersion } });
    writeObject(r.res, code, table);
  } else if (format.as === 'PartialObjectMetadata') {
    writeObject(r.res, code, partialObjectMetadata(obj, `meta.k8s.io/${format.asVersion}`));
  } else {
    writeObject(r.res, code, obj, format, r.ctx.protobuf?.encode);
  }
}

function respondList(r: ResourceRequest, items: KubeObject[], meta: { resourceVersion: string; continue?: string; remainingItemCount?: number }): void {
  const { format, store } = r;
  const listMeta: Record<string, unknown> = { resourceVersion: meta.resourceVersion };
  if (meta.continue) listMeta.continue = meta.continue;
  if (meta.remainingItemCount !== undefined) listMeta.remainingItemCount = meta.remainingItemCount;
  if (format.as === 'Table') {
    const include = (r.query.get('includeObject') ?? 'Metadata') as IncludeObject;
    writeObject(r.res, 200, toTable(store.def, items, { now: r.ctx.clock.now(), includeObject: include, asVersion: format.asVersion, listMeta }));
    return;
  }
  if (format.as === 'PartialObjectMetadataList' || format.as === 'PartialObjectMetadata') {
    const apiVersion = `meta.k8s.io/${format.asVersion}`;
    writeObject(r.res, 200, { kind: 'PartialObjectMetadataList', apiVersion, metadata: listMeta, items: items.map((i) => partialObjectMetadata(i, apiVersion)) });
    return;
  }
  const list = { kind: `${store.def.kind}List`, apiVersion: apiVersionOf(store.def), metadata: listMeta, items };
  writeObject(r.res, 200, list, format, r.ctx.protobuf?.encode);
}

/** Reads and checks an object body: its apiVersion/kind must be this resource's (or absent). */
async function readObject(r: ResourceRequest, expectKind = r.store.def.kind, expectVersion = apiVersionOf(r.store.def)): Promise<KubeObject> {
  const body = await readBody(r.req);
  const duplicates: string[] = [];
  const obj = decodeObjectBody(body, r.req.headers['content-type'], r.ctx.protobuf?.decode, duplicates) as KubeObject;
  if (obj.apiVersion !== undefined && obj.apiVersion !== expectVersion) {
    throw ApiError.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expectVersion})`);
  }
  if (obj.kind !== undefined && obj.kind !== expectKind) {
    throw ApiError.badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${expectKind})`);
  }
  if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))) {
    throw ApiError.badRequest('metadata: expected an object');
  }
  // Unknown fields: rejected under fieldValidation=Strict, dropped with a warning otherwise.
  const directive = parseFieldValidation(r.query, r.info.verb === 'create' ? 'Create' : 'Update');
  const unknown = pruneUnknownFields(obj, expectVersion, expectKind);
  warn(r, handleFieldValidation(directive, [...duplicates, ...unknown], { kind: expectKind, version: expectVersion.split('/').pop()! }));
  obj.metadata ??= {};
  obj.apiVersion = expectVersion;
  obj.kind = expectKind;
  return obj;
}

/** Applies a PATCH body of any supported type to an object. */
export function applyPatchBody(r: ResourceRequest, original: KubeObject, contentType: string, patch: unknown): KubeObject {
  const patcher = r.ctx.patchers[contentType];
  if (!patcher) throw ApiError.unsupportedMediaType(contentType, Object.keys(r.ctx.patchers));
  const def = r.store.def;
  const out = patcher(original, patch, { group: def.group, version: def.version, kind: def.kind });
  if (out === null || typeof out !== 'object' || Array.isArray(out)) throw ApiError.badRequest('the patch produced a value that is not an object');
  return out;
}

/** The patch types a PATCH may carry: the registered patchers and server-side apply. */
function patchTypes(r: ResourceRequest): string[] {
  return [...Object.keys(r.ctx.patchers), APPLY_PATCH_TYPE];
}

async function readPatch(r: ResourceRequest): Promise<{ type: string; patch: unknown; duplicates: string[] }> {
  const type = parseMediaType(r.req.headers['content-type'] ?? '').type;
  if (!r.ctx.patchers[type]) throw ApiError.unsupportedMediaType(type, patchTypes(r));
  const body = await readBody(r.req);
  const duplicates: string[] = [];
  // A JSON patch is a list of operations: repeated keys there are not fields of the object.
  const patch = parseJson(body, type === 'application/json-patch+json' ? undefined : duplicates);
  return { type, patch, duplicates };
}

function deleteOptionsFrom(query: URLSearchParams, body: Record<string, unknown>) {
  const grace = body.gracePeriodSeconds ?? intParam(query, 'gracePeriodSeconds');
  let policy = (body.propagationPolicy ?? query.get('propagationPolicy') ?? undefined) as string | undefined;
  const orphan = body.orphanDependents ?? query.get('orphanDependents');
  if (!policy && (orphan === true || orphan === 'true')) policy = 'Orphan';
  if (policy && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw ApiError.badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  if (grace !== undefined && (typeof grace !== 'number' || grace < 0)) throw ApiError.badRequest('gracePeriodSeconds must be a non-negative integer');
  const pre = (body.preconditions ?? {}) as { uid?: string; resourceVersion?: string };
  const dryRun = Array.isArray(body.dryRun) ? body.dryRun.includes('All') : dryRunOf(query);
  return { gracePeriodSeconds: grace as number | undefined, propagationPolicy: policy as 'Orphan' | 'Background' | 'Foreground' | undefined, preconditions: pre, dryRun };
}

async function readDeleteOptions(r: ResourceRequest) {
  const raw = await readBody(r.req);
  const body = raw.length && raw.toString().trim() ? (decodeObjectBody(raw, r.req.headers['content-type'], r.ctx.protobuf?.decode) as Record<string, unknown>) : {};
  return deleteOptionsFrom(r.query, body);
}

const patchKinds: Record<string, 'strategic' | 'json' | 'merge'> = {
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
};

/** Adds `Warning: 299` headers (kubectl prints them as `Warning: …`). */
export function warn(r: ResourceRequest, warnings: string[]): void {
  if (!warnings.length || r.res.headersSent) return;
  const prev = r.res.getHeader('Warning');
  const list = Array.isArray(prev) ? prev : prev ? [String(prev)] : [];
  r.res.setHeader('Warning', [...list, ...warnings.map(warningHeaderValue)]);
}

/** Serves one resource request for any kind: the verbs and the status and scale subresources. */
export async function handleResource(r: ResourceRequest): Promise<void> {
  const { info, store, query } = r;
  const ns = store.def.namespaced ? info.namespace : undefined;
  if (info.namespace !== undefined && !store.def.namespaced) throw ApiError.pathNotFound();
  const sub = info.subresource;
  if (sub && sub !== 'status') {
    if (sub === 'scale' && store.def.scale) return handleScale(r);
    const handler = r.ctx.subresources.get(`${store.def.group}/${store.def.plural}/${sub}`);
    if (!handler) throw ApiError.pathNotFound();
    return handler(r);
  }
  if (sub === 'status' && !store.def.statusSubresource) throw ApiError.pathNotFound();
  const dryRun = ['create', 'update', 'patch'].includes(info.verb) ? dryRunOf(query) : false;
  if (store.def.virtualCreate) {
    if (info.verb !== 'create' || info.name) throw ApiError.methodNotSupported(store.gr, info.verb);
    const obj = await readObject(r);
    // Namespaced reviews (LocalSubjectAccessReview) take their namespace from the URL.
    if (store.def.namespaced) obj.metadata.namespace = info.namespace;
    return respondObject(r, 201, await store.def.virtualCreate(obj, r.user));
  }
  if (store.def.virtualList) return handleVirtualRead(r, selectorsOf(query), respondObject, respondList);
  const verbs = store.def.verbs;
  if (verbs && info.verb !== 'connect' && !verbs.includes(info.verb)) throw ApiError.methodNotSupported(store.gr, info.verb);

  switch (info.verb) {
    case 'get':
      return respondObject(r, 200, await store.get(ns, info.name!));
    case 'list': {
      const opts: ListOptions = {
        ...selectorsOf(query),
        limit: intParam(query, 'limit'),
        continue: query.get('continue') ?? undefined,
        resourceVersion: query.get('resourceVersion') ?? undefined,
        resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
      };
      const out = await store.list(info.namespace, opts);
      return respondList(r, out.items, out);
    }
    case 'watch':
      return handleWatch(r, ns);
    case 'create': {
      if (info.name) throw ApiError.methodNotAllowed();
      const fieldManager = fieldManagerOf(query, r.req, 'Create');
      const obj = await readObject(r);
      return respondObject(r, 201, await store.create(ns, obj, { dryRun, fieldManager }));
    }
    case 'update': {
      const fieldManager = fieldManagerOf(query, r.req, 'Update');
      const obj = await readObject(r);
      const out = await store.update(ns, info.name!, () => obj, { dryRun, fieldManager, subresource: sub === 'status' ? 'status' : undefined });
      return respondObject(r, 200, out);
    }
    case 'patch': {
      const fieldManager = fieldManagerOf(query, r.req, 'Patch');
      if (parseMediaType(r.req.headers['content-type'] ?? '').type === APPLY_PATCH_TYPE) return handleApply(r, ns, dryRun);
      if (query.has('force')) throw forceNotAllowed();
      const { type, patch, duplicates } = await readPatch(r);
      const directive = parseFieldValidation(query, 'Patch');
      const patchType = patchKinds[type] ?? 'merge';
      const out = await store.update(ns, info.name!, (current) => {
        const patched = applyPatchBody(r, current, type, patch);
        const unknown = pruneUnknownFields(patched, apiVersionOf(store.def), store.def.kind);
        warn(r, handleFieldValidation(directive, [...duplicates, ...unknown], { patchType, patch, patched }));
        return patched;
      }, {
        dryRun,
        fieldManager,
        subresource: sub === 'status' ? 'status' : undefined,
      });
      return respondObject(r, 200, out);
    }
    case 'delete': {
      if (sub) throw ApiError.methodNotAllowed();
      const opts = await readDeleteOptions(r);
      const { obj, gone } = await store.delete(ns, info.name!, opts);
      return respondObject(r, gone ? 200 : 202, obj);
    }
    case 'deletecollection': {
      const opts = await readDeleteOptions(r);
      await store.deleteCollection(info.namespace, selectorsOf(query), opts);
      return writeObject(r.res, 200, successStatus());
    }
    default:
      throw ApiError.methodNotAllowed();
  }
}
