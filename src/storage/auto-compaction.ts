import type { Store } from './store.js';

export interface AutoCompactionOptions {
  /** Time between compactions; default 5 minutes, as in kine and kube-apiserver. */
  intervalMs?: number;
  /** Revisions always kept behind the current one; default 1000, as in kine. */
  keepRevisions?: number;
  /** Called after each compaction that moved the compaction point. */
  onCompacted?: (revision: number) => void;
  /** Called when a compaction fails; the next interval tries again. Default: ignore. */
  onError?: (err: unknown) => void;
  /**
   * Runs `tick` every `ms` and returns a cancel function. Tests inject this to drive ticks
   * by hand; the default is an unref'd setInterval that does not keep the process alive.
   */
  every?: (ms: number, tick: () => Promise<void>) => () => void;
}

const defaultEvery = (ms: number, tick: () => Promise<void>): (() => void) => {
  const timer = setInterval(() => void tick(), ms);
  timer.unref();
  return () => clearInterval(timer);
};

/**
 * Compacts a store periodically so its history stays bounded. Each tick compacts to
 * `min(current - keepRevisions, the revision seen at the previous tick)`, so at least
 * `keepRevisions` revisions *and* at least one interval of history stay readable — clients
 * resuming a watch from a recent resourceVersion keep working. Works with any Store.
 *
 * @returns a function that stops further compactions.
 * @example
 * const stop = startAutoCompaction(store, { intervalMs: 5 * 60_000, keepRevisions: 1000 });
 * // on shutdown: stop();
 */
export function startAutoCompaction(store: Store, opts: AutoCompactionOptions = {}): () => void {
  const keep = opts.keepRevisions ?? 1000;
  let seenAtLastTick: number | undefined;
  let running = false;
  let stopped = false;

  const tick = async (): Promise<void> => {
    if (running || stopped) return; // a slow compaction must not overlap the next one
    running = true;
    try {
      const current = await store.currentRevision();
      const previous = seenAtLastTick;
      seenAtLastTick = current;
      if (previous === undefined) return;
      const target = Math.min(current - keep, previous);
      if (target <= 0 || target <= (await store.compactRevision())) return;
      await store.compact(target);
      opts.onCompacted?.(target);
    } catch (err) {
      opts.onError?.(err);
    } finally {
      running = false;
    }
  };

  const cancel = (opts.every ?? defaultEvery)(opts.intervalMs ?? 5 * 60_000, tick);
  return () => {
    stopped = true;
    cancel();
  };
}
