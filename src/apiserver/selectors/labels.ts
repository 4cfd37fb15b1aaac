import type { LabelSelector } from '../../api/types.js';
import { isQualifiedName, isValidLabelValue } from '../../api/validation/names.js';

export type LabelOperator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  op: LabelOperator;
  values: string[];
}

/** A parsed label selector: every requirement must hold (logical AND). Empty matches everything. */
export class LabelSelectorParseError extends Error {
  override name = 'LabelSelectorParseError';
}

/** Matches labels against parsed requirements. */
export function matchesLabels(reqs: readonly LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case '=':
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case '!=':
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has) return false;
        const n = Number(v);
        const bound = Number(r.values[0]);
        if (!Number.isInteger(n)) return false;
        if (r.op === 'gt' ? !(n > bound) : !(n < bound)) return false;
        break;
      }
    }
  }
  return true;
}

const tokenRe = /\s*(!=|==|=|\(|\)|,|!|>|<|[^\s!=(),<>]+)/y;

function tokenize(s: string): string[] {
  const out: string[] = [];
  tokenRe.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (tokenRe.lastIndex < s.length && (m = tokenRe.exec(s))) out.push(m[1]!);
  const rest = s.slice(tokenRe.lastIndex).trim();
  if (rest) throw new LabelSelectorParseError(`unable to parse requirement: found '${rest}'`);
  return out;
}

function checkKey(key: string): void {
  const errs = isQualifiedName(key);
  if (errs.length) throw new LabelSelectorParseError(`unable to parse requirement: values[0][${key}]: Invalid value: "${key}": ${errs[0]}`);
}

function checkValue(key: string, value: string): void {
  const errs = isValidLabelValue(value);
  if (errs.length) {
    throw new LabelSelectorParseError(`unable to parse requirement: values[0][${key}]: Invalid value: "${value}": ${errs[0]}`);
  }
}

/**
 * Parses the `labelSelector` query syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
 * `a`, `!a`, `a>1`, `a<1`, joined by commas.
 *
 * @example parseLabelSelector('app=web,tier in (fe,be),!canary')
 */
export function parseLabelSelector(input: string): LabelRequirement[] {
  const toks = tokenize(input);
  const reqs: LabelRequirement[] = [];
  let i = 0;
  const peek = () => toks[i];
  const next = () => toks[i++];
  while (i < toks.length) {
    let t = next()!;
    if (t === '!') {
      const key = next();
      if (!key || /^[=!(),<>]/.test(key)) throw new LabelSelectorParseError(`unable to parse requirement: found '${key ?? ''}', expected: identifier`);
      checkKey(key);
      reqs.push({ key, op: '!', values: [] });
    } else {
      if (/^[=!(),<>]/.test(t)) throw new LabelSelectorParseError(`found '${t}', expected: !, identifier, or 'end of string'`);
      const key = t;
      checkKey(key);
      const op = peek();
      if (op === undefined || op === ',') {
        reqs.push({ key, op: 'exists', values: [] });
      } else if (op === '=' || op === '==' || op === '!=') {
        next();
        let value = peek();
        if (value === undefined || value === ',') value = '';
        else next();
        checkValue(key, value);
        reqs.push({ key, op: op === '!=' ? '!=' : '=', values: [value] });
      } else if (op === 'in' || op === 'notin') {
        next();
        if (next() !== '(') throw new LabelSelectorParseError(`found '${toks[i - 1] ?? ''}', expected: '('`);
        const values: string[] = [];
        for (;;) {
          t = next()!;
          if (t === undefined) throw new LabelSelectorParseError("found 'end of string', expected: ')'");
          if (t === ')') break;
          if (t === ',') continue;
          checkValue(key, t);
          values.push(t);
        }
        reqs.push({ key, op, values });
      } else if (op === '>' || op === '<') {
        next();
        const v = next();
        if (!v || !/^-?\d+$/.test(v)) throw new LabelSelectorParseError(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
        reqs.push({ key, op: op === '>' ? 'gt' : 'lt', values: [v] });
      } else {
        throw new LabelSelectorParseError(`found '${op}', expected: '=', '!=', '==', 'in', notin'`);
      }
    }
    const sep = peek();
    if (sep === undefined) break;
    if (sep !== ',') throw new LabelSelectorParseError(`found '${sep}', expected: ',' or 'end of string'`);
    next();
  }
  return reqs;
}

/** Converts a metav1.LabelSelector (matchLabels + matchExpressions) to requirements. */
export function labelSelectorRequirements(sel: LabelSelector | undefined | null): LabelRequirement[] {
  if (!sel) return [];
  const reqs: LabelRequirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({ key, op: '=' as const, values: [v] }));
  for (const e of sel.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[e.operator];
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return reqs;
}

/** The string form of requirements (what Scale.status.selector carries). */
export function formatRequirements(reqs: readonly LabelRequirement[]): string {
  return reqs
    .map((r) => {
      switch (r.op) {
        case '=':
        case '!=':
          return `${r.key}${r.op}${r.values[0]}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.op} (${[...r.values].sort().join(',')})`;
        case 'exists':
          return r.key;
        case '!':
          return `!${r.key}`;
        case 'gt':
          return `${r.key}>${r.values[0]}`;
        case 'lt':
          return `${r.key}<${r.values[0]}`;
      }
    })
    .join(',');
}
