import type { ChildProcess } from 'node:child_process';

/**
 * Collects a child's stdout as complete lines and resolves `waitForLines` once at least `n`
 * have arrived (rejecting if the child exits first or the deadline passes). A trailing
 * partial line (the child was killed mid-write) is never counted.
 */
export function collectLines(child: ChildProcess): { lines: string[]; waitForLines(n: number, deadlineMs?: number): Promise<void> } {
  const lines: string[] = [];
  let partial = '';
  let waiter: { n: number; resolve: () => void } | undefined;
  let exited = false;
  const check = () => {
    if (waiter && lines.length >= waiter.n) {
      waiter.resolve();
      waiter = undefined;
    }
  };
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    check();
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exitedEarly = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => {
      exited = true;
      reject(new Error(`child exited early (code ${code}, signal ${signal}): ${stderr}`));
    });
  });
  exitedEarly.catch(() => undefined);
  return {
    lines,
    waitForLines: (n, deadlineMs = 60_000) => {
      if (lines.length >= n) return Promise.resolve();
      if (exited) return exitedEarly;
      let timer: NodeJS.Timeout | undefined;
      // The deadline only turns a hang into a failure the caller can clean up after.
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`only ${lines.length} of ${n} lines arrived: ${stderr}`)), deadlineMs);
      });
      return Promise.race([new Promise<void>((resolve) => (waiter = { n, resolve })), exitedEarly, timeout]).finally(() =>
        clearTimeout(timer),
      );
    },
  };
}

/** Resolves when the child has exited (immediately if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
