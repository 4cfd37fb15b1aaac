import { closeSync, openSync, readSync, statSync, fstatSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { parseCriLine, rfc3339Nano, type CriLogEntry, type LogStream } from './cri-format.js';

/** What `kubectl logs` asks for (PodLogOptions, as the kubelet receives them). */
export interface LogReadOptions {
  follow?: boolean;
  /** Only the last N entries (0: none). */
  tailLines?: number;
  /** Only entries at or after this time (ms since the epoch). */
  sinceMs?: number;
  /** Stop after this many bytes of output. */
  limitBytes?: number;
  /** Prefix each line with its RFC3339Nano time. */
  timestamps?: boolean;
  /** Only one stream (the kubelet's `stream=` option); both by default. */
  stream?: LogStream;
}

export interface FollowHooks {
  /** Whether the container may still write; following ends once it is false and the file is drained. */
  isRunning(): boolean | Promise<boolean>;
  signal?: AbortSignal;
  pollMs?: number;
}

/** Splits a file's bytes into CRI entries; a trailing piece without newline is returned as `rest`. */
function splitEntries(buf: Buffer): { entries: CriLogEntry[]; rest: Buffer } {
  const entries: CriLogEntry[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break;
    const e = parseCriLine(buf.subarray(start, nl));
    if (e) entries.push(e);
    start = nl + 1;
  }
  return { entries, rest: buf.subarray(start) };
}

function readFrom(path: string, offset: number): { data: Buffer; size: number; ino: number } {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    const len = Math.max(0, st.size - offset);
    const data = Buffer.alloc(len);
    let got = 0;
    while (got < len) {
      const n = readSync(fd, data, got, len - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return { data: data.subarray(0, got), size: offset + got, ino: st.ino };
  } finally {
    closeSync(fd);
  }
}

/** Renders entries as the kubelet writes them to the client; returns false once limitBytes is reached. */
class LogPrinter {
  private written = 0;
  constructor(
    private readonly out: Writable,
    private readonly opts: LogReadOptions,
  ) {}

  get done(): boolean {
    return this.opts.limitBytes !== undefined && this.written >= this.opts.limitBytes;
  }

  print(e: CriLogEntry): void {
    if (this.done) return;
    if (this.opts.stream && e.stream !== this.opts.stream) return;
    if (this.opts.sinceMs !== undefined && e.timeMs < this.opts.sinceMs) return;
    const parts: Buffer[] = [];
    if (this.opts.timestamps) parts.push(Buffer.from(`${rfc3339Nano(BigInt(e.timeMs) * 1_000_000n + subMillis(e.time))} `));
    parts.push(e.content);
    if (e.tag === 'F') parts.push(Buffer.from('\n'));
    let chunk = Buffer.concat(parts);
    if (this.opts.limitBytes !== undefined) chunk = chunk.subarray(0, this.opts.limitBytes - this.written);
    this.written += chunk.length;
    this.out.write(chunk);
  }
}

/** The nanoseconds below the millisecond in an RFC 3339 time (Date.parse drops them). */
function subMillis(time: string): bigint {
  const m = /\.(\d+)Z$/.exec(time);
  if (!m) return 0n;
  return BigInt(m[1]!.padEnd(9, '0').slice(3, 9));
}

/**
 * Writes a container's CRI log to `out` as `kubectl logs` expects it: tail, since, byte limit
 * and timestamps applied; with `follow`, keeps reading new entries (across a rotation) until
 * the container stops and the file is drained, or the signal aborts.
 *
 * @example
 * await writeContainerLog('/…/web/0.log', { tailLines: 10, follow: true }, res, { isRunning: () => true, signal });
 */
export async function writeContainerLog(path: string, opts: LogReadOptions, out: Writable, hooks?: FollowHooks): Promise<void> {
  const printer = new LogPrinter(out, opts);
  let { data, size, ino } = readFrom(path, 0);
  let { entries, rest } = splitEntries(data);
  if (opts.tailLines !== undefined) entries = opts.tailLines <= 0 ? [] : entries.slice(-opts.tailLines);
  for (const e of entries) printer.print(e);
  if (!opts.follow || !hooks || printer.done) return;

  const pollMs = hooks.pollMs ?? 100;
  let offset = size - rest.length;
  for (;;) {
    if (hooks.signal?.aborted || printer.done) return;
    const running = await hooks.isRunning();
    let st: { size: number; ino: number } | undefined;
    try {
      st = statSync(path);
    } catch {
      st = undefined;
    }
    if (st && (st.ino !== ino || st.size < offset)) {
      // Rotated: the old file was renamed away; start over on the new one.
      ino = st.ino;
      offset = 0;
    }
    if (st && st.size > offset) {
      ({ data, size } = readFrom(path, offset));
      ({ entries, rest } = splitEntries(data));
      for (const e of entries) printer.print(e);
      offset = size - rest.length;
      continue;
    }
    if (!running) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, pollMs);
      hooks.signal?.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });
  }
}
