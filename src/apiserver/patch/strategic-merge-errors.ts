import { ApiError, type StatusReason } from '../errors.js';

/**
 * Errors of a strategic merge patch, with the codes and messages Kubernetes' apiserver sends.
 * Malformed directive lists are 400s, lists of lists a 422; everything else the strategicpatch
 * package reports (missing merge key, unknown `$patch`) reaches kubectl as a bare 500 with no
 * reason, printed `Error from server: map: map[image:x] does not contain declared merge key: name`.
 */

/** metav1.StatusReasonUnknown is the empty string; the catalog has no name for it. */
const UNKNOWN_REASON = '' as string as StatusReason;

function failure(message: string): ApiError {
  return new ApiError(500, UNKNOWN_REASON, message);
}

export const retainKeysFormatError = (): ApiError => ApiError.badRequest('invalid patch format of retainKeys');
export const primitiveListFormatError = (): ApiError => ApiError.badRequest('invalid patch format of primitive list');
export const setElementOrderFormatError = (): ApiError => ApiError.badRequest('invalid patch format of setElementOrder list');

/** A request body that is not a JSON object, worded like Go's encoding/json. */
export function notAnObjectError(patch: unknown): ApiError {
  const what = Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch;
  return ApiError.badRequest(`json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
}

export function listOfListsError(): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

export function noMergeKeyError(element: unknown, mergeKey: string): ApiError {
  return failure(`map: ${goFormat(element)} does not contain declared merge key: ${mergeKey}`);
}

export function unknownDirectiveError(directive: unknown, map: Record<string, unknown>): ApiError {
  return failure(`unknown patch type: ${goFormat(directive, 's')} in map: ${goFormat(map)}`);
}

export function mergeListDirectiveError(): ApiError {
  return failure('merging lists cannot yet be specified in the patch');
}

export function noMergeKeyForTypeError(elementKind: string): ApiError {
  return failure(`cannot merge lists without merge key for type ${elementKind}`);
}

export function mixedElementsError(lists: unknown[][]): ApiError {
  return failure(`list element types are not identical: ${goFormat(lists)}`);
}

export function badArgTypeError(expected: string, actual: unknown): ApiError {
  return failure(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}

export function setElementOrderMismatchError(patchList: unknown[], order: unknown[]): ApiError {
  return failure(`The order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(order)}\n`);
}

/** The Go type a JSON value decodes to in the apiserver (integers become int64). */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '%!s(<nil>)';
  if (Array.isArray(value)) return '[]interface {}';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return isInt64(value) ? 'int64' : 'float64';
    default:
      return 'map[string]interface {}';
  }
}

/**
 * Renders a JSON value as Go's fmt does for `%v` (or `%s`) on a decoded `interface{}`, so error
 * messages match Kubernetes': maps print as `map[k:v]` with sorted keys, lists as `[a b]`.
 */
export function goFormat(value: unknown, verb: 'v' | 's' = 'v'): string {
  if (value === null || value === undefined) return verb === 'v' ? '<nil>' : '%!s(<nil>)';
  if (Array.isArray(value)) return `[${value.map((v) => goFormat(v, verb)).join(' ')}]`;
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return verb === 'v' ? String(value) : `%!s(bool=${value})`;
    case 'number': {
      const text = isInt64(value) ? BigInt(value).toString() : goFloat(value);
      return verb === 'v' ? text : `%!s(${goTypeName(value)}=${text})`;
    }
    default: {
      const map = value as Record<string, unknown>;
      const entries = Object.keys(map)
        .sort()
        .map((k) => `${k}:${goFormat(map[k], verb)}`);
      return `map[${entries.join(' ')}]`;
    }
  }
}

function isInt64(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63;
}

/** Go's shortest %v for a float64: exponent form below 1e-4 or from 1e6 on, with a two-digit exponent. */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const [mantissa = '', exp = '0'] = n.toExponential().split('e');
  const e = Number(exp);
  if (e < -4 || e >= 6) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(n);
}
