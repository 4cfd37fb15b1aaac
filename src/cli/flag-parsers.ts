/** Parsers for flag values written the way Kubernetes components take them. */

const durationUnits: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/**
 * A Go duration (`40s`, `1m30s`, `500ms`, `0`) in milliseconds; throws on anything else.
 *
 * @example parseGoDuration('1m30s') // 90000
 */
export function parseGoDuration(text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(h|ms|us|µs|ns|m|s)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * durationUnits[m[2]!]!;
    at = re.lastIndex;
  }
  if (at === 0 || at !== s.length) throw new Error(`invalid duration "${text}" (use e.g. 40s, 1m30s, 500ms)`);
  return total;
}

/**
 * `k=v,k2=v2` into an object (values may be empty: `k=`); throws on an entry without `=`.
 *
 * @example parseKeyValues('cpu=4,memory=8Gi') // { cpu: '4', memory: '8Gi' }
 */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new Error(`invalid key=value "${part}"`);
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

export interface TaintSpec {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

const effects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/**
 * Taints as kubectl and the kubelet's --register-with-taints write them: `key=value:Effect`
 * or `key:Effect`, comma-separated.
 *
 * @example parseTaints('dedicated=gpu:NoSchedule') // [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]
 */
export function parseTaints(text: string): TaintSpec[] {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((part) => {
      const colon = part.lastIndexOf(':');
      const effect = colon > 0 ? part.slice(colon + 1) : '';
      if (!effects.includes(effect)) throw new Error(`invalid taint "${part}": the effect must be one of ${effects.join(', ')}`);
      const kv = part.slice(0, colon);
      const eq = kv.indexOf('=');
      const key = eq < 0 ? kv : kv.slice(0, eq);
      if (!key) throw new Error(`invalid taint "${part}": missing key`);
      const taint: TaintSpec = { key, effect: effect as TaintSpec['effect'] };
      if (eq >= 0 && kv.slice(eq + 1)) taint.value = kv.slice(eq + 1);
      return taint;
    });
}

/** A non-negative integer flag. */
export function parseCount(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`invalid count: ${text}`);
  return n;
}
