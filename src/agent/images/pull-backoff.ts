/**
 * Per-key exponential backoff with the kubelet's image-pull rules (client-go's
 * flowcontrol.Backoff): the first failure waits 10 s, each further one doubles up to 300 s,
 * and a key left alone for twice the maximum starts over.
 */
import { systemClock, type Clock } from '../../util/clock.js';

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class PullBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock = systemClock,
    readonly initialMs = 10_000,
    readonly maxMs = 300_000,
  ) {}

  /** Records a failure for `key`, growing its delay. */
  next(key: string): void {
    const now = this.clock.now();
    const e = this.entries.get(key);
    if (!e || this.expired(e, now)) this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: now });
    else this.entries.set(key, { backoffMs: Math.min(e.backoffMs * 2, this.maxMs), lastUpdate: now });
  }

  /** True while the delay since the last failure has not passed. */
  inBackoff(key: string): boolean {
    const e = this.entries.get(key);
    return e !== undefined && this.clock.now() - e.lastUpdate < e.backoffMs;
  }

  /** The current delay for `key` (0 when it has none). */
  delay(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Drops keys idle long enough to start over. */
  gc(): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) if (this.expired(e, now)) this.entries.delete(k);
  }

  private expired(e: Entry, now: number): boolean {
    return now - e.lastUpdate > 2 * this.maxMs;
  }
}
