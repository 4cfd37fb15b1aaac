import type { Store } from '../../storage/store.js';
import { ApiError } from '../errors.js';
import { decodeObjectBody, readBody } from '../http/body.js';
import type { ResourceRequest, SubresourceRegistration } from '../http/context.js';
import { dryRunOf } from '../http/resource-handler.js';
import { writeObject } from '../http/respond.js';
import { bindPod, type Binding } from './binding.js';
import { evictPod, type Eviction } from './eviction.js';

async function readTyped(r: ResourceRequest, kind: string, apiVersions: string[]): Promise<Record<string, unknown>> {
  if (r.info.verb !== 'create') throw ApiError.methodNotAllowed();
  const body = decodeObjectBody(await readBody(r.req), r.req.headers['content-type'], r.ctx.protobuf?.decode);
  if (body.apiVersion !== undefined && !apiVersions.includes(String(body.apiVersion))) {
    throw ApiError.badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersions[0]})`);
  }
  if (body.kind !== undefined && body.kind !== kind) {
    throw ApiError.badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${kind})`);
  }
  return body;
}

function respondStatus(r: ResourceRequest, code: number, status: Record<string, unknown>): void {
  writeObject(r.res, code, status, r.format, r.ctx.protobuf?.encode);
}

/**
 * POST …/pods/NAME/binding (core/v1 Binding): how schedulers assign pods. The raw storage
 * comes from the running server (binding bypasses the pod update strategy).
 */
export function podBindingSubresource(storage: () => Store | undefined): SubresourceRegistration {
  return {
    group: '',
    plural: 'pods',
    info: { name: 'binding', kind: 'Binding', verbs: ['create'] },
    handler: async (r) => {
      const body = (await readTyped(r, 'Binding', ['v1'])) as Binding;
      const name = r.info.name!;
      if (body.metadata?.name !== undefined && body.metadata.name !== name) throw ApiError.badRequest('name in URL does not match name in Binding object');
      const raw = storage();
      if (!raw) throw new ApiError(503, 'ServiceUnavailable', 'the binding subresource is starting');
      if (!dryRunOf(r.query)) await bindPod({ storage: raw, pods: r.store, clock: r.ctx.clock }, r.info.namespace!, name, body);
      else await r.store.get(r.info.namespace, name);
      respondStatus(r, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    },
  };
}

/** POST …/pods/NAME/eviction (policy/v1 Eviction): a PDB-respecting delete, what `kubectl drain` uses. */
export function podEvictionSubresource(): SubresourceRegistration {
  return {
    group: '',
    plural: 'pods',
    info: { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    handler: async (r) => {
      const body = (await readTyped(r, 'Eviction', ['policy/v1', 'policy/v1beta1'])) as Eviction;
      const pdbs = r.ctx.catalog.lookup('policy', 'v1', 'poddisruptionbudgets');
      if (!pdbs) throw ApiError.internal(new Error('policy/v1 poddisruptionbudgets are not served'));
      const out = await evictPod({ pods: r.store, pdbs, clock: r.ctx.clock }, r.info.namespace!, r.info.name!, body, dryRunOf(r.query));
      respondStatus(r, out.code, out.status);
    },
  };
}
