import type { IncomingMessage } from 'node:http';
import { invalid, required, tooLong, type FieldError } from '../../api/validation/field-errors.js';
import { ApiError } from '../errors.js';

const MAX_MANAGER_LENGTH = 128;

function invalidOptions(operation: string, err: FieldError): ApiError {
  return ApiError.invalid({ group: 'meta.k8s.io', kind: `${operation}Options` }, '', [err]);
}

/** The 422 for an apply without a fieldManager (Kubernetes requires one for apply). */
export function applyNeedsManager(): ApiError {
  return invalidOptions('Patch', required('fieldManager', 'is required for apply patch'));
}

/** The 422 for `force` on anything but an apply. */
export function forceNotAllowed(): ApiError {
  return invalidOptions('Patch', { type: 'FieldValueForbidden', field: 'force', message: 'Forbidden: may not be specified for non-apply patch' });
}

/**
 * The manager a write is recorded under: the `fieldManager` query parameter, else (as
 * Kubernetes does) the User-Agent up to its first `/` — `kubectl.1.33/v1.33.1 (linux/amd64)`
 * gives `kubectl.1.33`. Over-long or non-printable names are a 422 on the request's options.
 *
 * @example fieldManagerOf(new URLSearchParams('fieldManager=kubectl-edit'), req, 'Patch') // 'kubectl-edit'
 */
export function fieldManagerOf(query: URLSearchParams, req: IncomingMessage, operation: 'Create' | 'Update' | 'Patch'): string {
  const given = query.get('fieldManager');
  if (given !== null && given !== '') {
    if (Buffer.byteLength(given) > MAX_MANAGER_LENGTH) {
      throw invalidOptions(operation, tooLong('fieldManager', MAX_MANAGER_LENGTH));
    }
    const bad = [...given].findIndex((c) => !/^[\p{L}\p{M}\p{N}\p{P}\p{S}\x20]$/u.test(c));
    if (bad >= 0) throw invalidOptions(operation, invalid('fieldManager', given, `invalid character at position ${bad}`));
    return given;
  }
  // A request without either is recorded under the empty name, as Kubernetes records it.
  const ua = req.headers['user-agent'];
  return ua ? ua.split('/')[0]!.slice(0, MAX_MANAGER_LENGTH) : '';
}
