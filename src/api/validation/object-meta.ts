import type { ObjectMeta } from '../types.js';
import { type FieldError, invalid, required, forbidden, immutable } from './field-errors.js';
import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPathSegmentName } from './names.js';

/** Which rule a kind's names follow (most kinds: DNS-1123 subdomain). */
export type NameValidator = (name: string) => string[];

const totalAnnotationSizeLimit = 256 * 1024;

export function validateLabels(labels: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(field, k, msg));
    if (typeof v !== 'string') {
      errs.push(invalid(`${field}[${k}]`, v, 'must be a string'));
      continue;
    }
    for (const msg of isValidLabelValue(v)) errs.push(invalid(field, v, msg));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(field, k, msg));
    size += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (size > totalAnnotationSizeLimit) {
    errs.push({ type: 'FieldValueTooLong', field, message: `Too long: must have at most ${totalAnnotationSizeLimit} bytes` });
  }
  return errs;
}

/**
 * The ObjectMeta checks every kind shares on create (ValidateObjectMeta): the name follows
 * the kind's rule, the namespace is set exactly when the kind is namespaced, labels and
 * annotations are well formed.
 */
export function validateObjectMeta(
  meta: ObjectMeta,
  namespaced: boolean,
  nameRule: NameValidator = isDNS1123Subdomain,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!meta.name) {
    if (!meta.generateName) errs.push(required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of [...isValidPathSegmentName(meta.name), ...nameRule(meta.name)]) {
      errs.push(invalid('metadata.name', meta.name, msg));
    }
  }
  if (namespaced) {
    if (!meta.namespace) errs.push(required('metadata.namespace'));
  } else if (meta.namespace) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (meta.generation !== undefined && meta.generation < 0) {
    errs.push(invalid('metadata.generation', meta.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  for (const [i, ref] of (meta.ownerReferences ?? []).entries()) {
    const f = `metadata.ownerReferences[${i}]`;
    if (!ref.apiVersion) errs.push(invalid(`${f}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(invalid(`${f}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(invalid(`${f}.name`, ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(invalid(`${f}.uid`, ref.uid ?? '', 'uid must not be empty'));
  }
  const controllers = (meta.ownerReferences ?? []).filter((r) => r.controller);
  if (controllers.length > 1) {
    errs.push(
      invalid('metadata.ownerReferences', meta.ownerReferences, 'Only one reference can have Controller set to true'),
    );
  }
  return errs;
}

/** ValidateObjectMetaUpdate: identity fields may not change. */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.name !== old.name) errs.push(immutable('metadata.name', meta.name));
  if ((meta.namespace ?? '') !== (old.namespace ?? '')) errs.push(immutable('metadata.namespace', meta.namespace));
  if (meta.uid !== old.uid) errs.push(immutable('metadata.uid', meta.uid));
  if (meta.creationTimestamp !== old.creationTimestamp) {
    errs.push(immutable('metadata.creationTimestamp', meta.creationTimestamp));
  }
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  return errs;
}
