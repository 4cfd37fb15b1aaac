import type { WatchEvent, Watcher } from './store.js';

/** The revision an event happened at (deletes carry it apart from the deleted value). */
export function eventRevision(event: WatchEvent): number {
  return event.type === 'delete' ? event.revision : event.kv.modRevision;
}

interface Subscription {
  prefix: string;
  afterRevision: number;
  onEvent: (event: WatchEvent) => void;
  onError?: (err: Error) => void;
  queue: WatchEvent[];
  /** Index of the next undelivered event in `queue` (shifting arrays is O(n)). */
  head: number;
  scheduled: boolean;
  stopped: boolean;
}

/**
 * In-process watch fan-out for a backend that sees every write itself (the SQLite store is
 * the only writer of its file). The backend publishes each committed change in commit order;
 * every matching subscriber gets it later, from a microtask, so a handler never runs inside
 * a write and cannot re-enter one. Each subscriber has its own queue, so events reach it in
 * revision order with no gaps, even while history is still being delivered.
 */
export class WatchFanout {
  private readonly subs = new Set<Subscription>();

  /**
   * Registers a subscriber. `history` (events already committed, in revision order) is
   * delivered first; everything published afterwards follows it. The caller must collect
   * the history and call this without yielding in between, or events could be lost.
   */
  subscribe(
    prefix: string,
    opts: { afterRevision: number; onEvent: (e: WatchEvent) => void; onError?: (e: Error) => void },
    history: WatchEvent[] = [],
  ): Watcher {
    const sub: Subscription = {
      prefix,
      afterRevision: opts.afterRevision,
      onEvent: opts.onEvent,
      onError: opts.onError,
      queue: history,
      head: 0,
      scheduled: false,
      stopped: false,
    };
    this.subs.add(sub);
    if (history.length > 0) this.schedule(sub);
    return { stop: () => this.remove(sub) };
  }

  /** Hands one committed change to every subscriber whose prefix matches. */
  publish(key: string, event: WatchEvent): void {
    if (this.subs.size === 0) return;
    const rev = eventRevision(event);
    for (const sub of this.subs) {
      if (rev <= sub.afterRevision || !key.startsWith(sub.prefix)) continue;
      sub.queue.push(event);
      this.schedule(sub);
    }
  }

  /** Ends every subscription, telling each one why. */
  closeAll(reason: Error): void {
    for (const sub of [...this.subs]) {
      this.remove(sub);
      sub.onError?.(reason);
    }
  }

  get size(): number {
    return this.subs.size;
  }

  private remove(sub: Subscription): void {
    sub.stopped = true;
    sub.queue = [];
    sub.head = 0;
    this.subs.delete(sub);
  }

  private schedule(sub: Subscription): void {
    if (sub.scheduled) return;
    sub.scheduled = true;
    queueMicrotask(() => this.drain(sub));
  }

  private drain(sub: Subscription): void {
    sub.scheduled = false;
    while (!sub.stopped && sub.head < sub.queue.length) {
      const event = sub.queue[sub.head++]!;
      try {
        sub.onEvent(event);
      } catch (err) {
        // A handler that throws has lost track of the stream; end it rather than skip events.
        this.remove(sub);
        sub.onError?.(err instanceof Error ? err : new Error(String(err)));
        return;
      }
    }
    if (!sub.stopped) {
      sub.queue = [];
      sub.head = 0;
    }
  }
}
