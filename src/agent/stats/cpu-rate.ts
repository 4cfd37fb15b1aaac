/** A cumulative CPU reading: when, and how many CPU nanoseconds were used by then. */
export interface CpuSample {
  at: number;
  nanos: number;
}

/** A CPU rate over a window, as the summary API reports it (usageNanoCores). */
export interface CpuRate {
  nanoCores: number;
  windowMs: number;
}

const sampleEveryMs = 5_000;
const keep = 4;

/**
 * Turns cumulative CPU readings into rates the way cAdvisor's housekeeping does: readings
 * are kept every few seconds per cgroup, and a rate is the usage since the newest kept
 * reading that is at least a few seconds old (or since the cgroup started, when it is
 * younger than that), so one scrape after a container starts already has a value.
 *
 * @example
 * const rates = new CpuRateTracker();
 * rates.rate('pod1/c', { at: Date.now(), nanos: 1_200_000_000 }, startedAt); // { nanoCores: 200000000, windowMs: 6000 }
 */
export class CpuRateTracker {
  private readonly samples = new Map<string, CpuSample[]>();

  /** @param minWindowMs rates over shorter windows than this are not reported (too noisy). */
  constructor(private readonly minWindowMs = 0) {}

  /** The rate for `key` ending at `now`; `since` is when the cgroup began counting from 0. */
  rate(key: string, now: CpuSample, since: number): CpuRate | undefined {
    let ring = this.samples.get(key);
    if (!ring) this.samples.set(key, (ring = []));
    // A counter that went down is a new cgroup under the same key: start over.
    if (ring.length && ring[ring.length - 1]!.nanos > now.nanos) ring.length = 0;
    let base: CpuSample | undefined;
    for (let i = ring.length - 1; i >= 0; i--) {
      if (now.at - ring[i]!.at >= sampleEveryMs) {
        base = ring[i];
        break;
      }
    }
    base ??= ring.find((s) => now.at - s.at >= 500) ?? { at: since, nanos: 0 };
    const last = ring[ring.length - 1];
    if (!last || now.at - last.at >= sampleEveryMs) {
      ring.push(now);
      if (ring.length > keep) ring.shift();
    }
    const windowMs = now.at - base.at;
    if (windowMs <= 0 || windowMs < this.minWindowMs) return undefined;
    return { nanoCores: Math.max(0, Math.round(((now.nanos - base.nanos) * 1000) / windowMs)), windowMs };
  }

  /** Forgets cgroups not in `keys` (pods and containers that are gone). */
  retain(keys: Set<string>): void {
    for (const k of this.samples.keys()) if (!keys.has(k)) this.samples.delete(k);
  }
}
