import type { KubeObject } from '../api/types.js';
import type { Clock } from '../util/clock.js';

/** Similar events (same object, type and reason) with more distinct messages than this are combined. */
const maxSimilarMessages = 10;
/** How long a group of similar events stays open, as Kubernetes' aggregator (10 minutes). */
const aggregationWindowMs = 10 * 60_000;
/** Each object may burst this many events, then one per refill period (Kubernetes' spam filter). */
const spamBurst = 25;
const spamRefillMs = 5 * 60_000;
/** How many distinct events the recorder remembers (Kubernetes keeps an LRU of 4096). */
const cacheSize = 4096;

export const combinedPrefix = '(combined from similar events): ';

/** What the recorder last wrote for a deduplication key. */
interface Observation {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  lastSeenMs: number;
}

/** The outcome of correlating one new event. */
export type Correlation =
  | { action: 'drop' }
  | { action: 'create'; key: string; event: KubeObject }
  | { action: 'bump'; key: string; event: KubeObject; name: string; count: number; firstTimestamp: string };

/** A tiny LRU map: re-set keys move to the back, the oldest fall off. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

function field(obj: unknown, name: string): string {
  return String((obj as Record<string, unknown> | undefined)?.[name] ?? '');
}

function objectKeyParts(e: KubeObject): string[] {
  const o = e.involvedObject;
  return [field(e.source, 'component'), field(e.source, 'host'), field(o, 'kind'), field(o, 'namespace'), field(o, 'name'), field(o, 'uid'), field(o, 'apiVersion')];
}

/**
 * Kubernetes' EventCorrelator for core/v1 events, in three steps:
 * similar events (same object, type and reason) with
 * more than 10 distinct messages inside 10 minutes collapse into one
 * "(combined from similar events): …" event; and an event identical to one already written
 * (same object, field path, type, reason, message, within 10 minutes) bumps that event's
 * `count` and `lastTimestamp` instead of creating another; last, a per-object token bucket
 * drops floods (a dropped repeat still counts toward the next bump).
 */
export class EventCorrelator {
  private readonly similar = new Lru<{ messages: Set<string>; lastMs: number }>(cacheSize);
  private readonly seen = new Lru<Observation>(cacheSize);
  private readonly buckets = new Lru<{ tokens: number; atMs: number }>(cacheSize);

  constructor(private readonly clock: Clock) {}

  correlate(event: KubeObject): Correlation {
    const now = this.clock.now();
    const aggregateKey = [...objectKeyParts(event), field(event, 'type'), field(event, 'reason')].join('\u0000');
    let key = [...objectKeyParts(event), field(event.involvedObject, 'fieldPath'), field(event, 'type'), field(event, 'reason'), field(event, 'message')].join('\u0000');
    let out = event;
    let group = this.similar.get(aggregateKey);
    if (!group || now - group.lastMs > aggregationWindowMs) group = { messages: new Set(), lastMs: now };
    group.messages.add(field(event, 'message'));
    group.lastMs = now;
    this.similar.set(aggregateKey, group);
    if (group.messages.size >= maxSimilarMessages) {
      // Too many variants: keep the set bounded and file the event under the group's key.
      group.messages.delete(group.messages.values().next().value!);
      out = { ...event, message: combinedPrefix + field(event, 'message') };
      key = aggregateKey;
    }
    const prev = this.seen.get(key);
    const repeat = prev !== undefined && now - prev.lastSeenMs <= aggregationWindowMs;
    if (!this.takeToken(objectKeyParts(event).join('\u0000'), now)) {
      // Kubernetes counts a repeat before its spam filter drops it: the next bump that is
      // written carries the true count ("x40 over 20m"), not the number of writes.
      if (repeat) this.seen.set(key, { ...prev, count: prev.count + 1, lastSeenMs: now });
      return { action: 'drop' };
    }
    if (repeat) {
      return { action: 'bump', key, event: out, name: prev.name, count: prev.count + 1, firstTimestamp: prev.firstTimestamp };
    }
    return { action: 'create', key, event: out };
  }

  /** Records what was written under a key so repeats bump it. */
  observe(key: string, written: KubeObject): void {
    this.seen.set(key, {
      name: written.metadata.name!,
      namespace: written.metadata.namespace ?? '',
      count: Number(written.count ?? 1),
      firstTimestamp: String(written.firstTimestamp ?? ''),
      lastSeenMs: this.clock.now(),
    });
  }

  /** Forgets a key (its event vanished: the next repeat creates a new one). */
  forget(key: string): void {
    this.seen.delete(key);
  }

  private takeToken(key: string, now: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: spamBurst, atMs: now };
    const refill = Math.floor((now - b.atMs) / spamRefillMs);
    if (refill > 0) {
      b.tokens = Math.min(spamBurst, b.tokens + refill);
      b.atMs += refill * spamRefillMs;
    }
    if (b.tokens === spamBurst) b.atMs = now;
    const ok = b.tokens > 0;
    if (ok) b.tokens--;
    this.buckets.set(key, b);
    return ok;
  }
}
