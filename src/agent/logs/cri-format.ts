/**
 * The CRI container log format the kubelet reads: one entry per line,
 * `<RFC3339Nano time> <stdout|stderr> <F|P> <content>`, where `P` marks a piece of a longer
 * line (or a last line without a newline) and `F` a line that ended.
 */
export type LogStream = 'stdout' | 'stderr';
export type LogTag = 'F' | 'P';

export interface CriLogEntry {
  /** The timestamp exactly as written (RFC 3339 with up to nanoseconds). */
  time: string;
  /** Milliseconds since the epoch, for `sinceSeconds` / `sinceTime`. */
  timeMs: number;
  stream: LogStream;
  tag: LogTag;
  content: Buffer;
}

let lastNanos = 0n;
const origin = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Nanoseconds since the epoch, strictly increasing within this process. */
function nowNanos(): bigint {
  let n = origin + process.hrtime.bigint();
  if (n <= lastNanos) n = lastNanos + 1n;
  lastNanos = n;
  return n;
}

/**
 * Formats epoch nanoseconds as Go's RFC3339Nano does (UTC, trailing zeros of the fraction
 * dropped): `2024-05-01T10:00:00.1234567Z`.
 *
 * @example
 * rfc3339Nano(1714557600123456789n); // '2024-05-01T10:00:00.123456789Z'
 */
export function rfc3339Nano(nanos: bigint = nowNanos()): string {
  const ms = Number(nanos / 1_000_000n);
  const frac = (nanos % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const base = new Date(ms).toISOString().slice(0, 19);
  return frac ? `${base}.${frac}Z` : `${base}Z`;
}

/** Parses one CRI log line (without its newline); undefined for a malformed one. */
export function parseCriLine(line: Buffer): CriLogEntry | undefined {
  const s1 = line.indexOf(0x20);
  const s2 = s1 < 0 ? -1 : line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const time = line.subarray(0, s1).toString('latin1');
  const stream = line.subarray(s1 + 1, s2).toString('latin1');
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  // The tag field may be missing in old files; content then follows the stream directly.
  let tag: LogTag = 'F';
  let start = s2 + 1;
  const s3 = line.indexOf(0x20, s2 + 1);
  const maybeTag = line.subarray(s2 + 1, s3 < 0 ? line.length : s3).toString('latin1');
  if (maybeTag === 'F' || maybeTag === 'P') {
    tag = maybeTag;
    start = s3 < 0 ? line.length : s3 + 1;
  }
  const timeMs = Date.parse(time);
  if (Number.isNaN(timeMs)) return undefined;
  return { time, timeMs, stream, tag, content: line.subarray(start) };
}

/** Builds one CRI line (with its newline). */
export function formatCriLine(time: string, stream: LogStream, tag: LogTag, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${time} ${stream} ${tag} `, 'latin1'), content, Buffer.from('\n')]);
}
