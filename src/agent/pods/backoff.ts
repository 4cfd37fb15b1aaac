import type { Clock } from '../../util/clock.js';
import { systemClock } from '../../util/clock.js';

interface Entry {
  delayMs: number;
  /** The event time of the last `next` (a container's finish time). */
  lastUpdate: number;
}

/**
 * Per-key exponential backoff measured from event times, as the kubelet uses for crash
 * loops and image pulls: the first failure may be retried at once, each later one waits
 * 10 s, 20 s, … up to 5 min; a key whose last failure is more than twice the maximum ago
 * (10 min of good running) starts over.
 *
 * @example
 * const b = new Backoff(10_000, 300_000);
 * if (!b.isInBackOffSince(key, finishedAt)) { b.next(key, finishedAt); restart(); }
 */
export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly initialMs = 10_000,
    readonly maxMs = 300_000,
    private readonly clock: Clock = systemClock,
  ) {}

  private expired(eventTime: number, e: Entry): boolean {
    return eventTime - e.lastUpdate > this.maxMs * 2;
  }

  /** The current delay of a key (0 when it has none). */
  get(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** Records a failure at `eventTime`: the delay starts at the initial value or doubles. */
  next(key: string, eventTime: number): void {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e)) this.entries.set(key, { delayMs: this.initialMs, lastUpdate: eventTime });
    else this.entries.set(key, { delayMs: Math.min(e.delayMs * 2, this.maxMs), lastUpdate: eventTime });
  }

  /** Whether a retry now, for a failure at `eventTime`, must still wait. */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e)) return false;
    return this.clock.now() - eventTime < e.delayMs;
  }

  /** When the wait for a failure at `eventTime` ends (ms since the epoch). */
  retryAt(key: string, eventTime: number): number {
    return eventTime + this.get(key);
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets keys with a prefix (a pod that is gone). */
  resetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}

/**
 * A duration as Go's time.Duration prints it: `10s`, `1m20s`, `5m0s`, `1.5s`, `250ms`.
 *
 * @example
 * goDuration(160_000); // '2m40s'
 */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${trim(ms.toFixed(3))}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${trim(s.toFixed(3))}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

function trim(n: string): string {
  return n.includes('.') ? n.replace(/0+$/, '').replace(/\.$/, '') : n;
}
