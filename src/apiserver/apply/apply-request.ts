import type { KubeObject } from '../../api/types.js';
import { ApiError, type StatusReason } from '../errors.js';
import { readBody } from '../http/body.js';
import { yamlWithDuplicateFields } from '../http/duplicate-fields.js';
import type { ResourceRequest } from '../http/context.js';
import { apiVersionOf } from '../registry/resource.js';
import { handleFieldValidation, parseFieldValidation, pruneUnknownFields } from '../openapi/index.js';
import { respondObject, warn } from '../http/resource-handler.js';
import { rfc3339 } from '../../util/clock.js';
import { defaultFieldManager } from './tracking.js';
import { applyNeedsManager } from './manager-name.js';
import type { WriteInfo } from './field-manager.js';
import { typedPath } from './typed-path.js';

/** The Content-Type of a server-side apply (`kubectl apply --server-side`). */
export const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

/** Reads the apply configuration: YAML (JSON is YAML too), one object of this kind. */
async function readConfig(r: ResourceRequest, expectVersion: string, expectKind: string, duplicates: string[]): Promise<KubeObject> {
  const text = (await readBody(r.req)).toString('utf8');
  if (text.trim() === '') throw ApiError.badRequest('the body of the request was empty');
  let value: unknown;
  try {
    const parsed = yamlWithDuplicateFields(text);
    value = parsed.value;
    duplicates.push(...parsed.duplicates);
  } catch (err) {
    throw ApiError.badRequest(`error decoding YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw ApiError.badRequest('error decoding patch: expected an object');
  const obj = value as KubeObject;
  if (obj.apiVersion !== expectVersion) {
    throw ApiError.badRequest(`Incorrect version specified in apply patch. Specified patch version: ${String(obj.apiVersion ?? '')}, expected: ${expectVersion}`);
  }
  if (obj.kind !== expectKind) throw ApiError.badRequest(`the kind in the data (${String(obj.kind ?? '')}) does not match the expected kind (${expectKind})`);
  if (obj.metadata !== undefined && (obj.metadata === null || typeof obj.metadata !== 'object' || Array.isArray(obj.metadata))) {
    throw ApiError.badRequest('metadata: expected an object');
  }
  obj.metadata ??= {};
  if (obj.metadata.managedFields !== undefined) throw ApiError.badRequest('metadata.managedFields must be nil');
  return obj;
}

/**
 * PATCH with `application/apply-patch+yaml`: server-side apply. Creates the object when it
 * does not exist; otherwise merges the configuration into it under the field manager's rules,
 * answering 409 on conflicts unless `force=true`.
 */
export async function handleApply(r: ResourceRequest, ns: string | undefined, dryRun: boolean): Promise<void> {
  const { store, query, info } = r;
  const manager = query.get('fieldManager');
  if (!manager) throw applyNeedsManager();
  // Go's ParseBool spellings of true.
  const force = ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(query.get('force') ?? '');
  const apiVersion = apiVersionOf(store.def);
  const duplicates: string[] = [];
  const config = await readConfig(r, apiVersion, store.def.kind, duplicates);
  if (config.metadata.name !== undefined && config.metadata.name !== info.name) {
    throw ApiError.badRequest(`the name of the object (${String(config.metadata.name)}) does not match the name on the URL (${info.name})`);
  }
  config.metadata.name = info.name;
  const directive = parseFieldValidation(query, 'Patch');
  const fm = defaultFieldManager();
  const original = directive === 'Strict' ? structuredClone(config) : undefined;
  const unknown = pruneUnknownFields(config, apiVersion, store.def.kind);
  if (original && unknown.length) {
    // Kubernetes fails to type the configuration against the schema: a reason-less error
    // naming fields the way server-side apply prints paths.
    const where = `${ns ? `${ns}/` : ''}${info.name}; ${apiVersion.includes('/') ? apiVersion : `/${apiVersion}`}, Kind=${store.def.kind}`;
    const root = fm.root(apiVersion, store.def.kind);
    const fields = unknown.map((u) => `${typedPath(fm.view, root, original, u.replace(/^unknown field "(.*)"$/, '$1'))}: field not declared in schema`);
    throw new ApiError(500, '' as StatusReason, `failed to create typed patch object (${where}): ${fields.join(', ')}`);
  }
  warn(r, handleFieldValidation(directive, [...duplicates, ...unknown], { kind: store.def.kind, version: apiVersion.split('/').pop()! }));
  const subresource = info.subresource === 'status' ? 'status' : undefined;
  const write = (): WriteInfo => ({
    manager,
    apiVersion,
    kind: store.def.kind,
    subresource,
    now: rfc3339(r.ctx.clock.now()),
    statusSplit: !!store.def.statusSubresource,
  });
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await store.update(ns, info.name!, (current) => fm.apply(current, config, write(), force), { dryRun, fieldManager: manager, applied: true, subresource });
      return respondObject(r, 200, out);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404) || subresource || attempt > 0) throw err;
    }
    // Nothing to apply to: create it, owned by this manager.
    const created = fm.apply(undefined, config, write(), force);
    try {
      return respondObject(r, 201, await store.create(ns, created, { dryRun, fieldManager: manager, applied: true }));
    } catch (err) {
      // Someone created it meanwhile: apply to theirs.
      if (!(err instanceof ApiError && err.code === 409 && err.reason === 'AlreadyExists')) throw err;
    }
  }
}
