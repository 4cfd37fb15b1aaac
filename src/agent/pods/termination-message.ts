import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { writeContainerLog } from '../logs/cri-log-reader.js';

/** The kubelet's limits: 4 KiB from the file; from logs, the last 80 lines up to 2 KiB. */
const maxFileBytes = 4096;
const maxLogLines = 80;
const maxLogBytes = 2048;

/**
 * A finished container's termination message: the file it wrote at terminationMessagePath,
 * or with `FallbackToLogsOnError` and a failure, the tail of its log.
 */
export async function terminationMessage(opts: { file?: string; logPath: string; policy?: string; exitCode: number }): Promise<string | undefined> {
  let text = '';
  if (opts.file) {
    try {
      text = readFileSync(opts.file).subarray(0, maxFileBytes).toString('utf8');
    } catch {
      text = '';
    }
  }
  if (!text && opts.policy === 'FallbackToLogsOnError' && opts.exitCode !== 0) {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    try {
      await writeContainerLog(opts.logPath, { tailLines: maxLogLines }, out);
    } catch {
      return undefined;
    }
    const all = Buffer.concat(chunks);
    text = all.subarray(Math.max(0, all.length - maxLogBytes)).toString('utf8');
  }
  return text || undefined;
}
