/**
 * Test helpers for resource definitions: run an object through the same steps the generic
 * store applies (defaults → prepareForCreate → validate), without a store.
 */
import type { ResourceDefinition } from '../../apiserver/registry/resource.js';
import type { KubeObject } from '../types.js';
import type { FieldError } from '../validation/field-errors.js';

export function created(def: ResourceDefinition, input: KubeObject, uid = '0b6c1b0e-7d8e-4f33-9d2b-0c5a1d2e3f40'): { obj: KubeObject; errs: FieldError[] } {
  const obj = structuredClone(input);
  obj.metadata.uid ??= uid;
  obj.metadata.creationTimestamp ??= '2024-05-01T10:00:00Z';
  def.defaults?.(obj);
  def.prepareForCreate?.(obj);
  return { obj, errs: def.validate?.(obj) ?? [] };
}

export function updated(def: ResourceDefinition, obj: KubeObject, old: KubeObject): FieldError[] {
  const next = structuredClone(obj);
  def.defaults?.(next);
  def.prepareForUpdate?.(next, old);
  return [...(def.validate?.(next) ?? []), ...(def.validateUpdate?.(next, old) ?? [])];
}

/** `field: message` lines, as kubectl prints them under "is invalid:". */
export function lines(errs: FieldError[]): string[] {
  return errs.map((e) => `${e.field}: ${e.message}`);
}

/** 2024-05-01T10:00:00Z plus the given seconds, in ms: a fixed "now" for AGE cells. */
export function at(seconds: number): number {
  return Date.parse('2024-05-01T10:00:00Z') + seconds * 1000;
}
