// Polling for end-to-end tests: wait for a condition a user could see instead of sleeping.

/** An error that ends a wait at once (say, a process that exited and will not come back). */
export class Fatal extends Error {}

/**
 * Calls `fn` until it returns something truthy and returns that; errors thrown meanwhile
 * count as "not yet" (the last one is quoted on timeout), except a {@link Fatal}.
 *
 * @example
 * const pod = await waitFor('web Running', async () => {
 *   const p = JSON.parse(await k.ok(['get', 'pod', 'web', '-o', 'json']));
 *   return p.status.phase === 'Running' ? p : undefined;
 * });
 */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      if (err instanceof Fatal) throw err;
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Runs every cleanup step in order, even when an earlier one failed (each failure is
 * logged), so a test leaves nothing behind on the machine.
 *
 * @example
 * after(() => runCleanup([() => server?.stop(), () => registry?.stop()]));
 */
export async function runCleanup(steps: (() => unknown)[]): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      console.error('cleanup step failed:', err);
    }
  }
}
