/**
 * ResourceList checks shared by containers, LimitRanges, ResourceQuotas and PVCs: resource
 * names, quantity syntax and signs, and requests ≤ limits.
 */
import { compareQuantities, formatQuantity, quantityRegexMessage, type Quantity, tryParseQuantity } from '../../quantity.js';
import { type FieldError, invalid } from '../../validation/field-errors.js';
import { isQualifiedName } from '../../validation/names.js';
import { type JsonObject, isObject } from './json.js';

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** Extended resources (`example.com/gpu`) cannot be overcommitted and must be whole numbers. */
export function isExtendedResource(name: string): boolean {
  return name.includes('/') && !name.startsWith('requests.') && !name.includes('kubernetes.io/');
}

/** A resource name: a qualified name (with a domain prefix when not a built-in one). */
export function validateResourceName(name: string, field: string): FieldError[] {
  return isQualifiedName(name).map((m) => invalid(field, name, m));
}

export function validateContainerResourceName(name: string, field: string): FieldError[] {
  const errs = validateResourceName(name, field);
  if (!name.includes('/') && !standardContainerResources.has(name) && !isHugePages(name)) {
    errs.push(invalid(field, name, 'must be a standard resource for containers'));
  }
  return errs;
}

/** Parses one quantity of a ResourceList, reporting syntax and sign problems at `field`. */
export function checkQuantity(value: unknown, field: string, errs: FieldError[]): Quantity | undefined {
  const q = tryParseQuantity(value);
  if (!q) {
    errs.push(invalid(field, value, quantityRegexMessage));
    return undefined;
  }
  if (q.nanos < 0n) errs.push(invalid(field, formatQuantity(q), 'must be greater than or equal to 0'));
  return q;
}

/** Validates every entry of a ResourceList at `field[name]`; returns the parsed quantities. */
export function validateResourceList(
  list: unknown,
  field: string,
  errs: FieldError[],
  nameCheck: (name: string, field: string) => FieldError[] = validateResourceName,
): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  if (!isObject(list)) return out;
  for (const [name, value] of Object.entries(list)) {
    const f = `${field}[${name}]`;
    errs.push(...nameCheck(name, f));
    const q = checkQuantity(value, f, errs);
    if (!q) continue;
    if (isExtendedResource(name) && q.nanos % 10n ** 9n !== 0n) errs.push(invalid(f, formatQuantity(q), 'must be an integer'));
    out.set(name, q);
  }
  return out;
}

/** A container's `resources`: valid names and quantities, each request at most its limit. */
export function validateResourceRequirements(resources: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(resources)) return errs;
  const r = resources as JsonObject;
  const limits = validateResourceList(r.limits, `${field}.limits`, errs, validateContainerResourceName);
  const requests = validateResourceList(r.requests, `${field}.requests`, errs, validateContainerResourceName);
  for (const [name, request] of requests) {
    const limit = limits.get(name);
    if (!limit) continue;
    const req = formatQuantity(request);
    if (compareQuantities(request, limit) > 0) {
      errs.push(invalid(`${field}.requests`, req, `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`));
    } else if ((isExtendedResource(name) || isHugePages(name)) && compareQuantities(request, limit) !== 0) {
      errs.push(invalid(`${field}.requests[${name}]`, req, `must be equal to ${name} limit of ${formatQuantity(limit)}`));
    }
  }
  return errs;
}
