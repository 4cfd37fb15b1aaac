import { readFileSync } from 'node:fs';
import type { Host } from './command.js';

/**
 * The process that owns a pod's shared PID namespace (`shareProcessNamespace: true`): a
 * detached `unshare --pid --fork` whose child, `catatonit -P`, is PID 1 of the namespace
 * for the pod's whole life. It plays the pause container's part: containers join its
 * namespace, restart freely (a container's exit never tears the namespace down, as it would
 * if the first container were PID 1), see one another in `ps`, and orphaned processes are
 * reaped by it. It outlives agent restarts like the containers do.
 */
export interface PidHolder {
  /** The `unshare` process (host PID). */
  pid: number;
  /** PID 1 of the namespace, as the host sees it. */
  child: number;
}

declare module './sandbox-store.js' {
  interface SandboxRecord {
    pidHolder?: PidHolder;
  }
}

const holderProgram = 'catatonit';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The path runc joins: the holder's PID namespace. */
export function pidNamespacePath(holder: PidHolder): string {
  return `/proc/${holder.child}/ns/pid`;
}

/** Still the process we started (not a recycled PID)? */
export function pidHolderAlive(holder: PidHolder): boolean {
  return read(`/proc/${holder.child}/comm`)?.trim() === holderProgram;
}

/**
 * Starts a holder and waits until its namespace exists.
 *
 * @example
 * const holder = await startPidHolder(host);
 * ociSpec({ …, pidnsPath: pidNamespacePath(holder), security: { pidNamespace: 'pod' } });
 */
export async function startPidHolder(host: Host): Promise<PidHolder> {
  const { stdout } = await host.shell(`setsid unshare --pid --fork --kill-child ${holderProgram} -P </dev/null >/dev/null 2>&1 & echo $!`);
  const pid = Number(stdout.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`could not start the pod's PID namespace holder: ${stdout.trim()}`);
  const deadline = Date.now() + 5000;
  for (;;) {
    const child = Number(read(`/proc/${pid}/task/${pid}/children`)?.trim().split(/\s+/)[0]);
    if (child > 0 && pidHolderAlive({ pid, child })) return { pid, child };
    if (read(`/proc/${pid}/stat`) === undefined || Date.now() > deadline) {
      throw new Error(`the pod's PID namespace holder did not start (is ${holderProgram} installed?)`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Ends a holder (its `unshare` takes the namespace's PID 1 with it); a holder that is gone is fine. */
export function stopPidHolder(holder: PidHolder | undefined): void {
  if (!holder || !pidHolderAlive(holder)) return;
  try {
    process.kill(holder.child, 'SIGKILL');
  } catch {
    // already gone
  }
}
