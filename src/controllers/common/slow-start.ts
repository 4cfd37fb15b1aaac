/**
 * Kubernetes' slowStartBatch: runs `count` calls in batches of 1, 2, 4, … (all calls of a batch
 * at once), stopping after the first batch with a failure, so a quota or admission error costs
 * one request instead of hundreds. Resolves with how many succeeded and the first error.
 */
export async function slowStartBatch(count: number, initialBatch: number, fn: (i: number) => Promise<void>): Promise<{ succeeded: number; error?: unknown }> {
  let remaining = count;
  let succeeded = 0;
  let index = 0;
  for (let batch = Math.min(remaining, initialBatch); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn(index++)));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    succeeded += batch - failures.length;
    if (failures.length) return { succeeded, error: failures[0]!.reason };
    remaining -= batch;
  }
  return { succeeded };
}
