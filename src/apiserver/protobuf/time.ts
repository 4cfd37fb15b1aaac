/**
 * Conversions between Kubernetes' JSON time forms and protobuf numbers:
 * metav1.Time (RFC 3339, whole seconds), metav1.MicroTime (6 fractional digits)
 * and metav1.Duration (Go's time.Duration string, e.g. "1h30m0s").
 */

/** A protobuf Timestamp: whole seconds since the epoch plus 0..999999999 nanoseconds. */
export interface Timestamp {
  readonly seconds: number;
  readonly nanos: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp; throws on anything else. */
export function parseTimestamp(text: string): Timestamp {
  const m = RFC3339.exec(text);
  if (!m) throw new Error(`not an RFC 3339 time: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s, frac = '', zone] = m as unknown as string[];
  // setUTCFullYear, unlike Date.UTC, keeps years 0..99 as written.
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  let seconds = date.getTime() / 1000;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone!.startsWith('-') ? -1 : 1;
    seconds -= sign * (Number(zone!.slice(1, 3)) * 3600 + Number(zone!.slice(4, 6)) * 60);
  }
  return { seconds, nanos: frac ? Number(frac.padEnd(9, '0')) : 0 };
}

function isoSeconds(seconds: number): string {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) throw new Error(`time out of range: ${seconds}s`);
  return d.toISOString().slice(0, 19);
}

// Lists repeat the same timestamps many times; remember recent ones.
const formatted = new Map<number, string>();

/** `{seconds}` -> "2024-01-02T03:04:05Z" (Go drops the nanoseconds of a metav1.Time). */
export function formatTime(seconds: number): string {
  let s = formatted.get(seconds);
  if (s === undefined) {
    if (formatted.size >= 4096) formatted.clear();
    s = `${isoSeconds(seconds)}Z`;
    formatted.set(seconds, s);
  }
  return s;
}

/** `{seconds, nanos}` -> "2024-01-02T03:04:05.123456Z". */
export function formatMicroTime(ts: Timestamp): string {
  const micros = Math.floor(ts.nanos / 1000);
  return `${isoSeconds(ts.seconds)}.${String(micros).padStart(6, '0')}Z`;
}

const UNITS: Readonly<Record<string, number>> = {
  ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9,
};

/** Parses a Go duration string ("1h2m3.5s", "300ms", "-2s") into nanoseconds. */
export function parseDuration(text: string): number {
  const m = /^([+-]?)(.*)$/s.exec(text)!;
  const body = m[2]!;
  if (body === '0') return 0;
  if (body === '') throw new Error(`not a duration: ${JSON.stringify(text)}`);
  const part = /(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < body.length) {
    part.lastIndex = at;
    const p = part.exec(body);
    if (!p || p[1] === '' || p[1] === '.') throw new Error(`not a duration: ${JSON.stringify(text)}`);
    total += Number(p[1]) * UNITS[p[2]!]!;
    at = part.lastIndex;
  }
  return Math.round(m[1] === '-' ? -total : total);
}

/** Nanoseconds -> Go's time.Duration.String() form. */
export function formatDuration(nanos: number): string {
  if (nanos === 0) return '0s';
  const sign = nanos < 0 ? '-' : '';
  let n = Math.abs(nanos);
  if (n < 1e9) {
    const [unit, scale] = n < 1e3 ? ['ns', 1] : n < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${sign}${trimFraction(n, scale as number)}${unit}`;
  }
  const hours = Math.floor(n / 3600e9);
  n -= hours * 3600e9;
  const minutes = Math.floor(n / 60e9);
  n -= minutes * 60e9;
  let out = sign;
  if (hours) out += `${hours}h`;
  if (hours || minutes) out += `${minutes}m`;
  return `${out}${trimFraction(n, 1e9)}s`;
}

function trimFraction(n: number, scale: number): string {
  const whole = Math.floor(n / scale);
  const frac = Math.round(n - whole * scale);
  if (frac === 0) return String(whole);
  const digits = String(scale).length - 1;
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
}
