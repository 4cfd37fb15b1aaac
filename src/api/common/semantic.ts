/** Equality and small value helpers shared by the strategies of this slice. */
import { isDeepStrictEqual } from 'node:util';

/** Drops what Go's Semantic.DeepEqual cannot tell apart from absent: null, [] and {}. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map(normalize) : undefined;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const n = normalize(x);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null ? undefined : v;
}

/**
 * apiequality.Semantic.DeepEqual on JSON values: key order is irrelevant and empty or nil
 * slices and maps compare equal (Go cannot distinguish them after decoding).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(normalize(a), normalize(b));
}

/** A plain object view of a JSON value (undefined for anything else). */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** ValidateNonnegativeField's message. */
export const nonNegativeMsg = 'must be greater than or equal to 0';
