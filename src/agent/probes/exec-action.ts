import { Writable } from 'node:stream';
import { TerminalSizeQueue } from '../../streaming/terminal-size.js';
import { ExecStartError } from '../streaming/contracts.js';
import type { ActionEnv, ActionTarget } from './action-env.js';
import { maxProbeOutput } from './action-env.js';

/** How a command run for a probe or hook ended. */
export type ExecResult =
  | { kind: 'exited'; exitCode: number; output: string }
  | { kind: 'timedOut'; output: string }
  /** The command never ran (not found, container gone): the runtime's message. */
  | { kind: 'notStarted'; message: string };

/**
 * Runs a command in a running container the way the kubelet's ExecSync does for probes and
 * hooks: no stdin, no TTY, stdout and stderr combined (first 10 KiB kept), killed at the
 * timeout (none when `timeoutMs` is undefined).
 *
 * @example
 * const r = await runInContainer(env, target, ['cat', '/tmp/healthy'], 1000);
 * if (r.kind === 'exited' && r.exitCode === 0) ok();
 */
export async function runInContainer(env: ActionEnv, target: ActionTarget, command: readonly string[], timeoutMs?: number, signal?: AbortSignal): Promise<ExecResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (size < maxProbeOutput) {
        chunks.push(chunk.subarray(0, maxProbeOutput - size));
        size += Math.min(chunk.length, maxProbeOutput - size);
      }
      done();
    },
  });
  const abort = new AbortController();
  let timedOut = false;
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), abort.abort()), timeoutMs);
  const onOuterAbort = () => abort.abort();
  signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const exitCode = await env.exec.exec(target.container, command, { stdout: sink, stderr: sink, tty: false, resizes: new TerminalSizeQueue(), signal: abort.signal });
    const output = Buffer.concat(chunks).toString('utf8');
    return timedOut ? { kind: 'timedOut', output } : { kind: 'exited', exitCode, output };
  } catch (err) {
    if (timedOut) return { kind: 'timedOut', output: Buffer.concat(chunks).toString('utf8') };
    if (err instanceof ExecStartError) return { kind: 'notStarted', message: err.message };
    return { kind: 'notStarted', message: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onOuterAbort);
  }
}
