import fastJsonPatch from 'fast-json-patch';
import { ApiError } from '../errors.js';

const { applyPatch, JsonPatchError } = fastJsonPatch;

/**
 * JSON patch (RFC 6902). Malformed documents are 400s; a failed `test` or a path that does not
 * exist is a 422, with messages close to Kubernetes' (evanphx/json-patch) wording.
 */
export function jsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw ApiError.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  for (const op of patch) {
    if (op === null || typeof op !== 'object' || typeof (op as { op?: unknown }).op !== 'string') {
      throw ApiError.badRequest('the server rejected our request due to an error in our request');
    }
    const name = (op as { op: string }).op;
    if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(name)) {
      throw ApiError.badRequest(`Unexpected kind: ${name}`);
    }
  }
  try {
    return applyPatch(structuredClone(target), patch as never, true, false).newDocument;
  } catch (err) {
    if (err instanceof JsonPatchError) {
      const op = (err.operation ?? {}) as { op?: string; path?: string };
      let why: string;
      switch (err.name) {
        case 'TEST_OPERATION_FAILED':
          why = 'testing value ' + op.path + ' failed: test failed';
          break;
        case 'OPERATION_PATH_UNRESOLVABLE':
          why = `${op.op} operation does not apply: doc is missing path: "${op.path}": missing value`;
          break;
        default:
          why = err.message.split('\n')[0] ?? 'invalid patch';
      }
      throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${why}`);
    }
    throw ApiError.badRequest(`invalid JSON patch: ${(err as Error).message}`);
  }
}
