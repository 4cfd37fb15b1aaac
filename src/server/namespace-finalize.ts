import { ApiError } from '../apiserver/errors.js';
import { readBody, decodeObjectBody } from '../apiserver/http/body.js';
import { respondObject, dryRunOf } from '../apiserver/http/resource-handler.js';
import type { SubresourceRegistration } from '../apiserver/http/context.js';

/** PUT /api/v1/namespaces/NAME/finalize: changes a namespace's spec.finalizers, nothing else. */
export function namespaceFinalizeSubresource(): SubresourceRegistration {
  return {
    group: '',
    plural: 'namespaces',
    info: { name: 'finalize', kind: 'Namespace', verbs: ['update'] },
    handler: async (r) => {
      if (r.info.verb !== 'update') throw ApiError.methodNotAllowed();
      const body = decodeObjectBody(await readBody(r.req), r.req.headers['content-type'], r.ctx.protobuf?.decode);
      const out = await r.store.update(undefined, r.info.name!, () => body as never, { dryRun: dryRunOf(r.query), subresource: 'finalize' });
      respondObject(r, 200, out);
    },
  };
}
