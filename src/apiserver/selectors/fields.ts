/** Field selectors (`fieldSelector=status.phase=Running,spec.nodeName!=`): exact match or mismatch per field. */
export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export class FieldSelectorParseError extends Error {
  override name = 'FieldSelectorParseError';
}

/** Splits on unescaped commas; `\,` `\=` `\\` escape as in Kubernetes. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[++i];
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.filter((t) => t.length > 0);
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** @example parseFieldSelector('metadata.name=web,status.phase!=Failed') */
export function parseFieldSelector(input: string): FieldRequirement[] {
  return splitTerms(input).map((term) => {
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(term);
    if (!m) throw new FieldSelectorParseError(`invalid selector: '${input}'; can't understand '${term}'`);
    return { field: m[1]!.trim(), op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]!) };
  });
}

export function matchesFields(reqs: readonly FieldRequirement[], get: (field: string) => string | undefined): boolean {
  for (const r of reqs) {
    const v = get(r.field) ?? '';
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
