/**
 * Kubernetes prints the bad value of a field error with Go's `%#v` when it is neither a
 * string, a number nor a Stringer — so a selector mismatch reads
 * `Invalid value: map[string]string{"app":"x"}`. These helpers reproduce that text for the
 * few composite values our validation reports, so kubectl shows the same lines.
 */
import type { FieldError } from '../validation/field-errors.js';

/** A Go string literal (`%q`); JSON quoting agrees for everything but exotic control bytes. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** `map[string]string{"a":"1", "b":"2"}` (keys sorted, as Go's fmt prints maps). */
export function goStringMap(m: Record<string, string> | null | undefined): string {
  if (m === null || m === undefined) return 'map[string]string(nil)';
  const body = Object.keys(m)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`)
    .join(', ');
  return `map[string]string{${body}}`;
}

/** `[]string{"a", "b"}`, or `[]string(nil)` when absent. */
export function goStringSlice(values: readonly string[] | null | undefined): string {
  if (values === null || values === undefined) return '[]string(nil)';
  return `[]string{${values.map((v) => goQuote(String(v))).join(', ')}}`;
}

export interface SelectorLike {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
}

/** A metav1.LabelSelector value as `%#v` renders it (pointers are dereferenced first). */
export function goLabelSelector(sel: SelectorLike | null | undefined): string {
  if (sel === null || sel === undefined) return 'null';
  const exprs = sel.matchExpressions;
  const exprText =
    exprs === null || exprs === undefined
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${exprs
          .map(
            (e) =>
              `v1.LabelSelectorRequirement{Key:${goQuote(String(e.key ?? ''))}, Operator:${goQuote(String(e.operator ?? ''))}, Values:${goStringSlice(e.values)}}`,
          )
          .join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprText}}`;
}

/** An intstr.IntOrString as `%#v` renders it: `intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}`. */
export function goIntOrString(v: unknown): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`;
  const n = typeof v === 'number' ? v : 0;
  return `intstr.IntOrString{Type:0, IntVal:${n}, StrVal:""}`;
}

/** An Invalid error whose value is already rendered (Go `%#v` text rather than a JSON value). */
export function invalidRendered(field: string, rendered: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: `Invalid value: ${rendered}${detail ? `: ${detail}` : ''}` };
}

/** A NotSupported error whose value is already rendered. */
export function notSupportedRendered(field: string, rendered: string, valid: string[]): FieldError {
  const list = valid.map((v) => goQuote(v)).join(', ');
  return { type: 'FieldValueNotSupported', field, message: `Unsupported value: ${rendered}: supported values: ${list}` };
}
