import { invalid, notSupported } from '../../api/validation/field-errors.js';
import { ApiError } from '../errors.js';
import { goFormat } from '../patch/strategic-merge-errors.js';
import { SchemaRegistry } from './schema-registry.js';
import { unknownFields } from './unknown-fields.js';

/** The `fieldValidation` query parameter's values. */
export type FieldValidationDirective = 'Strict' | 'Warn' | 'Ignore';

/** Which write the directive came with; names the options kind in the 422 for a bad value. */
export type WriteOperation = 'Create' | 'Update' | 'Patch';

/**
 * What the strict error must say, because Kubernetes words it by where decoding failed:
 * a create/update body names its kind and version (400 BadRequest); a patch names the
 * patch (strategic: the patch as Go prints a map; JSON and merge patch: the patched object)
 * in a 422 Invalid for field `patch`.
 */
export type StrictErrorContext =
  | { kind: string; version: string }
  | { patchType: 'json' | 'merge' | 'strategic'; patch: unknown; patched: unknown };

let builtin: SchemaRegistry | undefined;

/** The registry `fieldValidationErrors` uses by default: the built-in types, built once. */
export function defaultSchemaRegistry(): SchemaRegistry {
  return (builtin ??= new SchemaRegistry());
}

/**
 * Unknown fields of a decoded object, as Kubernetes' strict decoder names them: dotted paths
 * with list indexes. Free-form places (labels, annotations, ConfigMap and Secret data,
 * RawExtension, managedFields' fieldsV1, …) are never flagged. Kinds without a schema yield [].
 *
 * @example
 * fieldValidationErrors({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicaz: 2 } }, 'apps/v1', 'Deployment')
 * // ['unknown field "spec.replicaz"']
 */
export function fieldValidationErrors(obj: unknown, apiVersion: string, kind: string, registry: SchemaRegistry = defaultSchemaRegistry()): string[] {
  const schema = registry.schemaFor(apiVersion, kind);
  return schema ? unknownFields(obj, schema, registry) : [];
}

/**
 * Like fieldValidationErrors, but also deletes the unknown fields from `obj` — what decoding
 * into Go types does, so under Warn and Ignore they are dropped rather than stored. Call it on
 * every create/update body and patch result, then hand the messages to handleFieldValidation.
 *
 * @example
 * const obj = { apiVersion: 'v1', kind: 'Pod', spec: { containerz: [] } };
 * pruneUnknownFields(obj, 'v1', 'Pod') // ['unknown field "spec.containerz"']; obj.spec is now {}
 */
export function pruneUnknownFields(obj: unknown, apiVersion: string, kind: string, registry: SchemaRegistry = defaultSchemaRegistry()): string[] {
  const schema = registry.schemaFor(apiVersion, kind);
  return schema ? unknownFields(obj, schema, registry, { prune: true }) : [];
}

const DIRECTIVES: readonly string[] = ['Ignore', 'Strict', 'Warn'];

/**
 * The directive of a write request. Absent means Warn, the apiserver's default (kubectl sends
 * Strict itself when the OpenAPI document says the server understands the parameter).
 * Anything else is a 422 on the request's options, as Kubernetes answers it.
 *
 * @example parseFieldValidation(new URLSearchParams('fieldValidation=Strict'), 'Create') // 'Strict'
 * @example parseFieldValidation(new URLSearchParams(''), 'Patch') // 'Warn'
 */
export function parseFieldValidation(query: URLSearchParams, operation: WriteOperation): FieldValidationDirective {
  const value = query.get('fieldValidation') ?? '';
  if (value === '') return 'Warn';
  if (DIRECTIVES.includes(value)) return value as FieldValidationDirective;
  // The allowed list is sorted, "" first, as Go's sets.String.List() returns it.
  throw ApiError.invalid({ group: 'meta.k8s.io', kind: `${operation}Options` }, '', [notSupported('fieldValidation', value, ['', ...DIRECTIVES])]);
}

/**
 * Applies the directive to the unknown (or duplicate) field messages of one request.
 * Strict throws the error Kubernetes returns; Warn returns the messages, one `Warning` header
 * each (see warningHeaderValue); Ignore returns nothing. `undefined` is Warn.
 *
 * @example
 * handleFieldValidation('Strict', ['unknown field "spec.replicaz"'], { kind: 'Deployment', version: 'v1' })
 * // throws 400: Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz"
 * handleFieldValidation(undefined, ['unknown field "spec.replicaz"']) // ['unknown field "spec.replicaz"']
 */
export function handleFieldValidation(mode: FieldValidationDirective | undefined, errors: readonly string[], context?: StrictErrorContext): string[] {
  if (errors.length === 0 || mode === 'Ignore') return [];
  if (mode !== 'Strict') return [...errors];
  const detail = `strict decoding error: ${errors.join(', ')}`;
  if (!context) throw ApiError.badRequest(detail);
  if ('patchType' in context) {
    const badValue = context.patchType === 'strategic' ? goFormat(context.patch) : JSON.stringify(context.patched);
    throw ApiError.invalid({ group: '', kind: '' }, '', [invalid('patch', badValue, detail)]);
  }
  throw ApiError.badRequest(`${context.kind} in version "${context.version}" cannot be handled as a ${context.kind}: ${detail}`);
}

/**
 * One `Warning` response header value; kubectl prints it as `Warning: <text>`.
 *
 * @example warningHeaderValue('unknown field "spec.replicaz"') // '299 - "unknown field \\"spec.replicaz\\""'
 */
export function warningHeaderValue(text: string): string {
  return `299 - ${JSON.stringify(text)}`;
}
