import type { LabelSelector } from '../../api/types.js';
import { selectorInvalid, selectorString } from '../../api/common/label-selector.js';

/** A compiled label matcher. */
export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

export const matchNothing: LabelMatcher = () => false;
export const matchEverything: LabelMatcher = () => true;

const compiled = new Map<string, LabelMatcher>();

/**
 * LabelSelectorAsSelector as a function: nil selects nothing, `{}` everything, an invalid one
 * nothing. Compiled matchers are shared by identical selectors.
 */
export function compileLabelSelector(sel: LabelSelector | null | undefined): LabelMatcher {
  if (!sel) return matchNothing;
  if (selectorInvalid(sel)) return matchNothing;
  const key = selectorString(sel);
  let m = compiled.get(key);
  if (m) return m;
  const tests: ((l: Record<string, string>) => boolean)[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) tests.push((l) => l[k] === v);
  for (const e of sel.matchExpressions ?? []) {
    const values = new Set(e.values ?? []);
    const k = e.key;
    if (e.operator === 'In') tests.push((l) => Object.hasOwn(l, k) && values.has(l[k]!));
    else if (e.operator === 'NotIn') tests.push((l) => !Object.hasOwn(l, k) || !values.has(l[k]!));
    else if (e.operator === 'Exists') tests.push((l) => Object.hasOwn(l, k));
    else if (e.operator === 'DoesNotExist') tests.push((l) => !Object.hasOwn(l, k));
  }
  m = tests.length === 0 ? matchEverything : (labels) => {
    const l = labels ?? {};
    for (const t of tests) if (!t(l)) return false;
    return true;
  };
  if (compiled.size > 5000) compiled.clear();
  compiled.set(key, m);
  return m;
}

/** A selector's canonical text, for grouping identical terms. */
export function selectorKey(sel: LabelSelector | null | undefined): string {
  if (!sel) return '<nil>';
  return selectorInvalid(sel) ? '<invalid>' : `{${selectorString(sel)}}`;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[] | null;
  matchFields?: NodeSelectorRequirement[] | null;
}

/** A compiled node matcher: labels plus the node name (matchFields metadata.name). */
export type NodeMatcher = (labels: Record<string, string>, name: string) => boolean;

function requirement(r: NodeSelectorRequirement, field: boolean): NodeMatcher | undefined {
  const values = r.values ?? [];
  const get = field ? (_l: Record<string, string>, name: string) => (r.key === 'metadata.name' ? name : undefined) : (l: Record<string, string>) => (Object.hasOwn(l, r.key) ? l[r.key] : undefined);
  switch (r.operator) {
    case 'In': {
      const set = new Set(values);
      return (l, n) => {
        const v = get(l, n);
        return v !== undefined && set.has(v);
      };
    }
    case 'NotIn': {
      const set = new Set(values);
      return (l, n) => {
        const v = get(l, n);
        return v === undefined || !set.has(v);
      };
    }
    case 'Exists':
      return (l, n) => get(l, n) !== undefined;
    case 'DoesNotExist':
      return (l, n) => get(l, n) === undefined;
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1 || !/^-?\d+$/.test(values[0]!)) return undefined;
      const bound = Number(values[0]);
      return (l, n) => {
        const v = get(l, n);
        if (v === undefined || !/^-?\d+$/.test(v)) return false;
        return r.operator === 'Gt' ? Number(v) > bound : Number(v) < bound;
      };
    }
    default:
      return undefined;
  }
}

/**
 * NodeSelectorTerms (required node affinity): the terms are ORed, a term's requirements
 * ANDed; a term with no requirements matches nothing, as does an invalid one.
 */
export function compileNodeSelectorTerms(terms: NodeSelectorTerm[]): NodeMatcher {
  const compiledTerms: NodeMatcher[] = [];
  for (const t of terms) {
    const reqs = [...(t.matchExpressions ?? []).map((r) => requirement(r, false)), ...(t.matchFields ?? []).map((r) => requirement(r, true))];
    if (reqs.length === 0 || reqs.some((r) => !r)) continue;
    const all = reqs as NodeMatcher[];
    compiledTerms.push((l, n) => all.every((r) => r(l, n)));
  }
  return (l, n) => compiledTerms.some((t) => t(l, n));
}

/** One term on its own (preferred node affinity weighs each term separately). */
export function compileNodeSelectorTerm(term: NodeSelectorTerm): NodeMatcher {
  return compileNodeSelectorTerms([term]);
}
