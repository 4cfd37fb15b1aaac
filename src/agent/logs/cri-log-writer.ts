import { closeSync, fstatSync, openSync, readdirSync, renameSync, unlinkSync, writeSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatCriLine, rfc3339Nano, type LogStream } from './cri-format.js';

export interface LogRotation {
  /** Rotate once the file is larger than this (kubelet containerLogMaxSize, 10Mi). */
  maxBytes: number;
  /** Files kept per container including the live one (kubelet containerLogMaxFiles, 5). */
  maxFiles: number;
}

export const defaultLogRotation: LogRotation = { maxBytes: 10 * 1024 * 1024, maxFiles: 5 };

/** containerd splits longer lines into `P` pieces of this size. */
const maxLineBytes = 16 * 1024;

/** `20240501-100000`, the suffix the kubelet gives rotated logs. */
function rotationSuffix(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/**
 * Writes a container's stdout and stderr to one CRI-format log file, line by line with
 * nanosecond timestamps, rotating by size: the live file is renamed to
 * `<file>.<YYYYMMDD-HHMMSS>` and the oldest rotated files beyond `maxFiles - 1` are removed.
 *
 * @example
 * const w = new CriLogWriter('/var/lib/k8ts/agent/logs/default_web_UID/web/0.log');
 * w.write('stdout', Buffer.from('hello\nwor'));
 * w.end('stdout'); // flushes "wor" as a partial line
 */
export class CriLogWriter {
  private fd: number;
  private size: number;
  private readonly pending: Record<LogStream, Buffer[]> = { stdout: [], stderr: [] };
  private readonly pendingBytes: Record<LogStream, number> = { stdout: 0, stderr: 0 };

  constructor(
    readonly path: string,
    private readonly rotation: LogRotation = defaultLogRotation,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a', 0o640);
    this.size = fstatSync(this.fd).size;
  }

  /** Appends output; complete lines are written at once, the rest waits for its newline. */
  write(stream: LogStream, chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      this.pending[stream].push(chunk.subarray(start, nl));
      this.emit(stream, 'F');
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.pending[stream].push(chunk.subarray(start));
      this.pendingBytes[stream] += chunk.length - start;
      while (this.pendingBytes[stream] >= maxLineBytes) this.emitPiece(stream);
    }
  }

  /** The stream ended: a last line without newline is written as a partial entry. */
  end(stream: LogStream): void {
    if (this.pendingBytes[stream] > 0) this.emit(stream, 'P');
  }

  close(): void {
    this.end('stdout');
    this.end('stderr');
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private emitPiece(stream: LogStream): void {
    const all = Buffer.concat(this.pending[stream]);
    this.pending[stream] = [all.subarray(maxLineBytes)];
    this.pendingBytes[stream] = all.length - maxLineBytes;
    this.append(formatCriLine(rfc3339Nano(), stream, 'P', all.subarray(0, maxLineBytes)));
  }

  private emit(stream: LogStream, tag: 'F' | 'P'): void {
    const content = Buffer.concat(this.pending[stream]);
    this.pending[stream] = [];
    this.pendingBytes[stream] = 0;
    this.append(formatCriLine(rfc3339Nano(), stream, tag, content));
  }

  private append(line: Buffer): void {
    if (this.fd < 0) return;
    // Rotate before a write that would overflow, so the live file always holds the newest lines.
    if (this.size > 0 && this.size + line.length > this.rotation.maxBytes) this.rotate();
    writeSync(this.fd, line);
    this.size += line.length;
  }

  private rotate(): void {
    closeSync(this.fd);
    let target = `${this.path}.${rotationSuffix(new Date())}`;
    for (let i = 1; rotatedFiles(this.path).includes(target); i++) target = `${this.path}.${rotationSuffix(new Date())}.${i}`;
    renameSync(this.path, target);
    const rotated = rotatedFiles(this.path);
    for (const old of rotated.slice(0, Math.max(0, rotated.length - (this.rotation.maxFiles - 1)))) unlinkSync(old);
    this.fd = openSync(this.path, 'a', 0o640);
    this.size = 0;
  }
}

/** Rotated siblings of a log file, oldest first. */
export function rotatedFiles(path: string): string[] {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  try {
    return readdirSync(dir)
      .filter((f) => f.startsWith(prefix))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}
