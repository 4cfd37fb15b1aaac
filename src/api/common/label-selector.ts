/**
 * metav1.LabelSelector as the API server treats it: validation (ValidateLabelSelector), the
 * conversion to a selector (LabelSelectorAsSelector) with its string form and matching.
 * A nil selector selects nothing; an empty one selects everything.
 */
import type { LabelSelector, LabelSelectorRequirement } from '../types.js';
import { type FieldError, forbidden, invalid, required } from '../validation/field-errors.js';
import { validateLabels } from '../validation/object-meta.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';

type Selector = LabelSelector | null | undefined;

const operators = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function requirementField(base: string, i: number): string {
  return `${base}.matchExpressions[${i}]`;
}

/** ValidateLabelSelector: well-formed labels and requirements (strict label values). */
export function validateLabelSelector(sel: Selector, field: string): FieldError[] {
  if (!sel) return [];
  const errs = validateLabels(sel.matchLabels ?? undefined, `${field}.matchLabels`);
  (sel.matchExpressions ?? []).forEach((req, i) => {
    const f = requirementField(field, i);
    const values = req.values ?? [];
    if (req.operator === 'In' || req.operator === 'NotIn') {
      if (values.length === 0) errs.push(required(`${f}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (req.operator === 'Exists' || req.operator === 'DoesNotExist') {
      if (values.length > 0) {
        errs.push(forbidden(`${f}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
    } else {
      errs.push(invalid(`${f}.operator`, req.operator ?? '', 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(String(req.key ?? ''))) errs.push(invalid(`${f}.key`, req.key ?? '', msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(String(v))) errs.push(invalid(`${f}.values[${j}]`, v, msg));
    });
  });
  return errs;
}

function requirementOk(req: LabelSelectorRequirement): boolean {
  const values = req.values ?? [];
  if (!operators.includes(req.operator)) return false;
  if (isQualifiedName(String(req.key ?? '')).length) return false;
  if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0) return false;
  if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && values.length > 0) return false;
  return values.every((v) => isValidLabelValue(String(v)).length === 0);
}

/** True when LabelSelectorAsSelector would fail (bad operator, key or value). */
export function selectorInvalid(sel: Selector): boolean {
  if (!sel) return false;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (isQualifiedName(k).length || isValidLabelValue(String(v)).length) return true;
  }
  return !(sel.matchExpressions ?? []).every(requirementOk);
}

/** No requirements at all: the selector that matches everything. */
export function selectorEmpty(sel: Selector): boolean {
  return !!sel && Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0;
}

/** Whether the labels satisfy the selector; a nil selector matches nothing. */
export function selectorMatches(sel: Selector, labels: Record<string, string> | null | undefined): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(l, k);
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (!has(k) || l[k] !== v) return false;
  }
  for (const req of sel.matchExpressions ?? []) {
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has(req.key) || !values.includes(l[req.key]!)) return false;
        break;
      case 'NotIn':
        if (has(req.key) && values.includes(l[req.key]!)) return false;
        break;
      case 'Exists':
        if (!has(req.key)) return false;
        break;
      case 'DoesNotExist':
        if (has(req.key)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * The selector's string form (labels.Selector.String() after LabelSelectorAsSelector):
 * requirements sorted by key, set values sorted; '' for nil or empty selectors. This is what
 * Scale's status.selector and the deployment SELECTOR column carry.
 */
export function selectorString(sel: Selector): string {
  if (!sel) return '';
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    const text =
      e.operator === 'In'
        ? `${e.key} in (${values})`
        : e.operator === 'NotIn'
          ? `${e.key} notin (${values})`
          : e.operator === 'Exists'
            ? e.key
            : `!${e.key}`;
    reqs.push({ key: e.key, text });
  }
  // Go sorts requirements by key only; a stable sort keeps equal keys in insertion order.
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: the string form, `<none>` when empty, `<error>` when invalid. */
export function formatSelector(sel: Selector): string {
  if (sel && selectorInvalid(sel)) return '<error>';
  return selectorString(sel) || '<none>';
}
