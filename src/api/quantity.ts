/**
 * resource.Quantity: parse, compare and print quantities (`500m`, `1Gi`, `1e3`) the way
 * Kubernetes does. Values are kept exactly, in nano-units (the finest precision Kubernetes
 * keeps; anything smaller rounds up), so `1000m` equals `1` and `1Gi` equals `1024Mi`.
 */
export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

export interface Quantity {
  /** The value times 10^9. */
  nanos: bigint;
  /** The suffix family the quantity was written in; printing keeps it. */
  format: QuantityFormat;
}

export class QuantityParseError extends Error {
  override name = 'QuantityParseError';
}

/** The text of the error Kubernetes returns for a malformed quantity. */
export const quantityRegexMessage = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const nano = 10n ** 9n;
const binarySuffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const syntax = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b === 0n ? q : q + 1n;
}

/** Parses a quantity string; throws QuantityParseError when it is not one. */
export function parseQuantity(text: string): Quantity {
  const m = syntax.exec(text.trim() === text ? text : '');
  if (!m || text === '') throw new QuantityParseError(quantityRegexMessage);
  const [, sign, whole = '', frac = '', suffix = ''] = m;
  if (whole === '' && frac === '') throw new QuantityParseError(quantityRegexMessage);
  const digits = BigInt(`${whole}${frac}` || '0');
  const fracDigits = frac.length;
  let nanos: bigint;
  let format: QuantityFormat;
  const binary = binarySuffixes.indexOf(suffix);
  if (suffix !== '' && binary > 0) {
    format = 'BinarySI';
    nanos = ceilDiv(digits * 1024n ** BigInt(binary) * nano, 10n ** BigInt(fracDigits));
  } else {
    let exp: number;
    if (suffix in decimalSuffixes) {
      format = 'DecimalSI';
      exp = decimalSuffixes[suffix]!;
    } else if (/^[eE][+-]?\d+$/.test(suffix)) {
      format = 'DecimalExponent';
      exp = Number(suffix.slice(1));
    } else {
      throw new QuantityParseError(quantityRegexMessage);
    }
    const shift = exp + 9 - fracDigits;
    nanos = shift >= 0 ? digits * 10n ** BigInt(shift) : ceilDiv(digits, 10n ** BigInt(-shift));
  }
  return { nanos: sign === '-' ? -nanos : nanos, format };
}

/** parseQuantity for untyped JSON values (numbers are accepted as Kubernetes does). */
export function tryParseQuantity(value: unknown): Quantity | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
  if (typeof value !== 'string') return undefined;
  try {
    return parseQuantity(value);
  } catch {
    return undefined;
  }
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos + b.nanos, format: a.format };
}

/** The value in base units as a float (for ratios and scoring, not for exact comparisons). */
export function quantityToNumber(q: Quantity): number {
  return Number(q.nanos) / 1e9;
}

/** The value in milli-units, rounded up (CPU in millicores). */
export function quantityMilliValue(q: Quantity): bigint {
  return ceilDiv(q.nanos, 10n ** 6n);
}

function formatDecimal(abs: bigint, exponentStyle: boolean): string {
  let mantissa = abs;
  let exp = -9;
  while (exp < 18 && mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exp += 3;
  }
  if (exponentStyle) return exp === 0 ? `${mantissa}` : `${mantissa}e${exp}`;
  const suffix = Object.keys(decimalSuffixes).find((k) => decimalSuffixes[k] === exp) ?? '';
  return `${mantissa}${suffix}`;
}

/** The canonical string Kubernetes prints for a quantity (`1000m` → `1`, `1024Mi` → `1Gi`). */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  const sign = q.nanos < 0n ? '-' : '';
  const abs = q.nanos < 0n ? -q.nanos : q.nanos;
  // Binary suffixes only for whole numbers of at least 1024; smaller or fractional values
  // print in decimal so no precision is lost.
  if (q.format === 'BinarySI' && abs % nano === 0n && abs / nano >= 1024n) {
    let value = abs / nano;
    let i = 0;
    while (i < binarySuffixes.length - 1 && value % 1024n === 0n) {
      value /= 1024n;
      i++;
    }
    return `${sign}${value}${binarySuffixes[i]}`;
  }
  return sign + formatDecimal(abs, q.format === 'DecimalExponent');
}

/** Canonical form of a quantity string, or the input unchanged when it does not parse. */
export function canonicalQuantity(value: unknown): string {
  const q = tryParseQuantity(value);
  return q ? formatQuantity(q) : String(value ?? '');
}
