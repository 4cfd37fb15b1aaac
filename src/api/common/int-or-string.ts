/**
 * intstr.IntOrString fields (maxUnavailable, maxSurge, minAvailable): an integer or a
 * percentage string, checked and read the way apps validation does.
 */
import type { FieldError } from '../validation/field-errors.js';
import { goIntOrString, invalidRendered } from './go-format.js';

export type IntOrString = number | string;

const percentRe = /^[0-9]+%$/;
const percentMsg =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

function percentValue(v: unknown): number | undefined {
  return typeof v === 'string' && percentRe.test(v) ? Number(v.slice(0, -1)) : undefined;
}

/** ValidatePositiveIntOrPercent: a non-negative integer or a well-formed percentage. */
export function validatePositiveIntOrPercent(v: unknown, field: string): FieldError[] {
  if (typeof v === 'string') {
    return percentRe.test(v) ? [] : [invalidRendered(field, goIntOrString(v), percentMsg)];
  }
  if (typeof v === 'number') {
    return v < 0 ? [invalidRendered(field, String(v), 'must be greater than or equal to 0')] : [];
  }
  return [invalidRendered(field, goIntOrString(v), "must be an integer or percentage (e.g '5%%')")];
}

/** IsNotMoreThan100Percent. */
export function isNotMoreThan100Percent(v: unknown, field: string): FieldError[] {
  const p = percentValue(v);
  return p !== undefined && p > 100 ? [invalidRendered(field, goIntOrString(v), 'must not be greater than 100%')] : [];
}

/** getIntOrPercentValue: the number a value stands for (a percentage's number, 0 when unparsable). */
export function intOrPercentValue(v: unknown): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === 'number') return v;
  const n = typeof v === 'string' && /^[+-]?\d+$/.test(v) ? Number(v) : 0;
  return n;
}

/** IntOrString.String(): how printers show the value. */
export function intOrStringText(v: unknown): string {
  return typeof v === 'number' ? String(v) : String(v ?? '');
}
