import type { KubeObject } from '../../api/types.js';
import { type FieldError, invalid } from '../../api/validation/field-errors.js';
import { ApiError } from '../errors.js';
import { decodeObjectBody, readBody } from '../http/body.js';
import type { ResourceRequest, SubresourceHandler, SubresourceRegistration } from '../http/context.js';
import { writeObject } from '../http/respond.js';
import type { ClaimRef, TokenSubject } from './service-account-claims.js';
import type { ServiceAccountTokens } from './service-account-tokens.js';

const API_VERSION = 'authentication.k8s.io/v1';
const KIND = 'TokenRequest';
const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

/** A subresource handler plus what discovery lists for it (same shape as src/server's Subresource). */

interface BoundObjectRef {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

function validateSpec(spec: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const exp = spec.expirationSeconds;
  if (typeof exp !== 'number' || !Number.isInteger(exp)) {
    errs.push(invalid('spec.expirationSeconds', exp, 'must be an integer'));
  } else if (exp < MIN_EXPIRATION_SECONDS) {
    errs.push(invalid('spec.expirationSeconds', exp, 'may not specify a duration less than 10 minutes'));
  } else if (exp > MAX_EXPIRATION_SECONDS) {
    errs.push(invalid('spec.expirationSeconds', exp, 'may not specify a duration larger than 2^32 seconds'));
  }
  if (spec.audiences !== undefined && spec.audiences !== null && !(Array.isArray(spec.audiences) && spec.audiences.every((a) => typeof a === 'string'))) {
    errs.push(invalid('spec.audiences', spec.audiences, 'must be a list of strings'));
  }
  return errs;
}

/** Reads the object a token is bound to and checks it may carry this service account's token. */
async function resolveBinding(r: ResourceRequest, ns: string, saName: string, ref: BoundObjectRef): Promise<Partial<TokenSubject>> {
  const [group, version] = (ref.apiVersion ?? '').includes('/') ? ref.apiVersion!.split('/') : ['', ref.apiVersion ?? ''];
  const plural = group === '' ? { Pod: 'pods', Secret: 'secrets', Node: 'nodes' }[ref.kind ?? ''] : undefined;
  const store = plural ? r.ctx.catalog.lookup('', 'v1', plural) : undefined;
  if (!store) throw ApiError.badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${ref.kind ?? ''}`);
  const obj = await store.get(store.def.namespaced ? ns : undefined, ref.name ?? '');
  if (ref.uid && ref.uid !== obj.metadata.uid) {
    throw ApiError.conflict(
      { group, resource: ref.kind! },
      ref.name ?? '',
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  const self: ClaimRef = { name: obj.metadata.name!, uid: obj.metadata.uid! };
  if (ref.kind === 'Secret') return { secret: self };
  if (ref.kind === 'Node') return { node: self };
  const spec = (obj.spec ?? {}) as { serviceAccountName?: string; nodeName?: string };
  if (spec.serviceAccountName !== saName) {
    throw ApiError.badRequest(`cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`);
  }
  // The pod's node goes into the token too (for information), when it is known.
  const nodes = spec.nodeName ? r.ctx.catalog.lookup('', 'v1', 'nodes') : undefined;
  const node = nodes ? await nodes.get(undefined, spec.nodeName!).catch(() => undefined) : undefined;
  return { pod: self, ...(node ? { node: { name: node.metadata.name!, uid: node.metadata.uid! } } : {}) };
}

async function readTokenRequest(r: ResourceRequest): Promise<KubeObject> {
  const body = await readBody(r.req);
  const obj = decodeObjectBody(body, r.req.headers['content-type'], r.ctx.protobuf?.decode) as KubeObject;
  if (obj.apiVersion !== undefined && obj.apiVersion !== API_VERSION) {
    throw ApiError.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${API_VERSION})`);
  }
  if (obj.kind !== undefined && obj.kind !== KIND) {
    throw ApiError.badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${KIND})`);
  }
  return obj;
}

/**
 * `POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token` (TokenRequest), which
 * `kubectl create token` calls: signs a token for the service account, optionally bound to a
 * Pod, Secret or Node, and answers 201 with `status.token` and `status.expirationTimestamp`.
 *
 * Register it with the server by its group/plural/subresource:
 *
 * @example
 * const sub = serviceAccountTokenSubresource(tokens);
 * ctx.subresources.set(`${sub.group}/${sub.plural}/${sub.info.name}`, sub.handler); // '/serviceaccounts/token'
 * (ctx.discoverySubresources[`${sub.group}/${sub.plural}`] ??= []).push(sub.info);
 */
export function serviceAccountTokenSubresource(tokens: ServiceAccountTokens): SubresourceRegistration {
  const handler: SubresourceHandler = async (r) => {
    if (r.info.verb !== 'create') throw ApiError.methodNotAllowed();
    const ns = r.info.namespace ?? '';
    const saName = r.info.name ?? '';
    const request = await readTokenRequest(r);
    const spec = { ...((request.spec ?? {}) as Record<string, unknown>) };
    spec.expirationSeconds ??= DEFAULT_EXPIRATION_SECONDS;
    const errs = validateSpec(spec);
    if (errs.length) throw ApiError.invalid({ group: 'authentication.k8s.io', kind: KIND }, '', errs);
    const sa = await r.store.get(ns, saName);
    const ref = spec.boundObjectRef as BoundObjectRef | null | undefined;
    const bound = ref ? await resolveBinding(r, ns, saName, ref) : {};
    const audiences = (spec.audiences as string[] | null | undefined)?.length ? (spec.audiences as string[]) : [...tokens.audiences];
    const subject: TokenSubject = { namespace: ns, serviceAccount: { name: saName, uid: sa.metadata.uid ?? '' }, ...bound };
    const issued = tokens.issue(subject, spec.expirationSeconds as number, audiences);
    const out: KubeObject = {
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: { ...request.metadata, name: saName, namespace: ns },
      spec: { ...spec, audiences },
      status: { token: issued.token, expirationTimestamp: issued.expirationTimestamp },
    };
    writeObject(r.res, 201, out, r.format, r.ctx.protobuf?.encode);
  };
  return {
    group: '',
    plural: 'serviceaccounts',
    info: { name: 'token', kind: KIND, group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] },
    handler,
  };
}
