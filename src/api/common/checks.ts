/** Small field checks Kubernetes repeats across kinds, with its exact wording. */
import { type FieldError, invalid } from '../validation/field-errors.js';
import { semanticEqual } from './semantic.js';

/** ValidateNonnegativeField. */
export function nonNegative(value: unknown, field: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(field, value, 'must be greater than or equal to 0')] : [];
}

/** ValidateImmutableField for plain values (strings, numbers, booleans, JSON shown as JSON). */
export function immutableField(value: unknown, old: unknown, field: string): FieldError[] {
  return semanticEqual(value, old) ? [] : [invalid(field, value ?? null, 'field is immutable')];
}
