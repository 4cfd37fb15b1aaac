import { parseQuantity } from '../../api/quantity.js';

/** The eviction signals the kubelet knows on Linux. */
export type EvictionSignal = 'memory.available' | 'nodefs.available' | 'nodefs.inodesFree' | 'imagefs.available' | 'imagefs.inodesFree' | 'pid.available';

const signals: EvictionSignal[] = ['memory.available', 'nodefs.available', 'nodefs.inodesFree', 'imagefs.available', 'imagefs.inodesFree', 'pid.available'];

/** One hard eviction threshold: the signal falls below an absolute amount or a share of capacity. */
export type EvictionThreshold = { signal: EvictionSignal; value: { kind: 'quantity'; amount: number; text: string } | { kind: 'percentage'; fraction: number; text: string } };

/** The kubelet's default --eviction-hard on Linux. */
export const defaultEvictionHard = 'memory.available<100Mi,nodefs.available<10%,imagefs.available<15%,nodefs.inodesFree<5%';

export class ThresholdParseError extends Error {}

/**
 * Parses `--eviction-hard` (`memory.available<100Mi,nodefs.available<10%`) as the kubelet
 * does: only `<`, known signals, each once; percentages in (0%, 100%]; quantities not negative.
 *
 * @example
 * parseEvictionHard('memory.available<1Gi'); // [{ signal: 'memory.available', value: { kind: 'quantity', amount: 1073741824, text: '1Gi' } }]
 */
export function parseEvictionHard(text: string): EvictionThreshold[] {
  const out: EvictionThreshold[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-zA-Z.]+)<(.+)$/.exec(part);
    if (!m) throw new ThresholdParseError(`invalid eviction threshold syntax ${part}, expected <signal><operator><value>`);
    const signal = m[1] as EvictionSignal;
    if (!signals.includes(signal)) throw new ThresholdParseError(`unsupported eviction signal ${m[1]}`);
    if (out.some((t) => t.signal === signal)) throw new ThresholdParseError(`found duplicate eviction threshold for signal ${signal}`);
    const raw = m[2]!.trim();
    if (raw.endsWith('%')) {
      const pct = Number(raw.slice(0, -1));
      if (!Number.isFinite(pct) || pct <= 0 || pct > 100) throw new ThresholdParseError(`eviction percentage threshold ${signal} must be positive and at most 100%: ${raw}`);
      out.push({ signal, value: { kind: 'percentage', fraction: pct / 100, text: raw } });
    } else {
      let amount: number;
      try {
        amount = Number(parseQuantity(raw).nanos) / 1e9;
      } catch {
        throw new ThresholdParseError(`invalid eviction threshold quantity for ${signal}: ${raw}`);
      }
      if (amount < 0) throw new ThresholdParseError(`eviction threshold ${signal} must be positive: ${raw}`);
      out.push({ signal, value: { kind: 'quantity', amount, text: raw } });
    }
  }
  return out;
}

/** The threshold's amount for a signal whose capacity is `capacity` (bytes, inodes or pids). */
export function thresholdAmount(t: EvictionThreshold, capacity: number): number {
  return t.value.kind === 'quantity' ? t.value.amount : Math.floor(capacity * t.value.fraction);
}
