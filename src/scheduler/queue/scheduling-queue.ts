import type { ClusterEvent } from '../framework/events.js';
import type { PodNominator } from '../framework/handle.js';
import type { PodInfo } from '../framework/pod-info.js';
import { KeyedHeap } from './heap.js';

/** A pod waiting in the scheduling queue (framework.QueuedPodInfo). */
export interface QueuedPod {
  info: PodInfo;
  /** When it (re-)entered the queue: ties of priority go first-come first-served. */
  timestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** Plugins that rejected it last time: only events they care about move it back. */
  rejectors: Set<string>;
  backoffUntil: number;
}

export interface QueueOptions {
  now: () => number;
  /** podInitialBackoffSeconds (1 s) and podMaxBackoffSeconds (10 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Pods stuck as unschedulable this long are retried anyway (5 min). */
  maxUnschedulableMs?: number;
  /** Whether a pod's rejectors registered for an event (asks its profile). */
  interested: (pod: QueuedPod, event: ClusterEvent) => boolean;
  /** A pod that must not be scheduled yet (scheduling gates); it waits as unschedulable. */
  gated?: (pod: PodInfo) => boolean;
}

type Location = 'active' | 'backoff' | 'unschedulable' | 'inFlight';

/** PrioritySort: higher priority first, then earlier arrival. */
function before(a: QueuedPod, b: QueuedPod): boolean {
  if (a.info.priority !== b.info.priority) return a.info.priority > b.info.priority;
  return a.timestamp < b.timestamp;
}

/**
 * The scheduling queue (PriorityQueue): activeQ ordered by priority then arrival, backoffQ for
 * pods retried after a failure (1 s doubling to 10 s), and the unschedulable pods, which go
 * back to scheduling when a cluster event arrives that a plugin which rejected them cares
 * about. Also tracks nominated pods (the PodNominator preemption uses).
 */
export class SchedulingQueue implements PodNominator {
  private readonly active = new KeyedHeap<QueuedPod>((p) => p.info.key, before);
  private readonly backoff = new KeyedHeap<QueuedPod>((p) => p.info.key, (a, b) => a.backoffUntil < b.backoffUntil);
  private readonly unschedulable = new Map<string, { pod: QueuedPod; since: number }>();
  private readonly inFlight = new Map<string, { pod: QueuedPod; cycle: number; updated: boolean }>();
  private readonly where = new Map<string, Location>();
  private readonly nominated = new Map<string, Map<string, PodInfo>>();
  private readonly nominatedNodeOf = new Map<string, string>();
  private cycle = 0;
  private moveRequestCycle = -1;
  private wake?: () => void;
  private timer?: NodeJS.Timeout;
  private leftoverTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: QueueOptions) {
    this.leftoverTimer = setInterval(() => this.flushUnschedulableLeftover(), 30_000);
    this.leftoverTimer.unref?.();
  }

  get length(): number {
    return this.active.size;
  }

  /** Counts by place, for logs and tests. */
  stats(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, inFlight: this.inFlight.size };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.leftoverTimer);
    this.wake?.();
  }

  /** A new pending pod. */
  add(info: PodInfo): void {
    const p: QueuedPod = { info, timestamp: this.opts.now(), attempts: 0, rejectors: new Set(), backoffUntil: 0 };
    this.updateNomination(info);
    if (this.opts.gated?.(info)) return this.toUnschedulable(p);
    this.toActive(p);
  }

  /** A pending pod changed (spec, labels, status). */
  update(info: PodInfo, specChanged: boolean): void {
    const key = info.key;
    this.updateNomination(info);
    switch (this.where.get(key)) {
      case 'active':
        this.active.push({ ...this.active.get(key)!, info });
        return;
      case 'backoff':
        this.backoff.push({ ...this.backoff.get(key)!, info });
        return;
      case 'inFlight': {
        const f = this.inFlight.get(key)!;
        f.pod = { ...f.pod, info };
        if (specChanged) f.updated = true;
        return;
      }
      case 'unschedulable': {
        const u = this.unschedulable.get(key)!;
        u.pod = { ...u.pod, info };
        if (!specChanged) return;
        if (this.opts.gated?.(info)) return;
        this.unschedulable.delete(key);
        this.requeue(u.pod);
        return;
      }
      default:
        this.add(info);
    }
  }

  delete(key: string): void {
    const at = this.where.get(key);
    this.where.delete(key);
    this.clearNomination(key);
    if (at === 'active') this.active.remove(key);
    else if (at === 'backoff') this.backoff.remove(key);
    else if (at === 'unschedulable') this.unschedulable.delete(key);
    else if (at === 'inFlight') this.inFlight.delete(key);
  }

  has(key: string): boolean {
    return this.where.has(key);
  }

  /** The next pod to schedule, now; undefined when none is ready. */
  pop(): QueuedPod | undefined {
    const p = this.active.pop();
    if (!p) return undefined;
    p.attempts++;
    this.cycle++;
    this.inFlight.set(p.info.key, { pod: p, cycle: this.cycle, updated: false });
    this.where.set(p.info.key, 'inFlight');
    return p;
  }

  /** Resolves when a pod is ready to pop (or the queue closed). */
  wait(): Promise<void> {
    if (this.active.size || this.closed) return Promise.resolve();
    return new Promise((r) => (this.wake = r));
  }

  /** The cycle ended with the pod bound or assumed: it leaves the queue. */
  done(key: string): void {
    if (this.where.get(key) === 'inFlight') this.where.delete(key);
    this.inFlight.delete(key);
  }

  /**
   * The pod did not fit: it waits as unschedulable, or in backoff if something it may care
   * about happened while it was being scheduled (it was updated, or an event moved pods).
   */
  unschedulableAfterAttempt(key: string, rejectors: Set<string>): void {
    const f = this.inFlight.get(key);
    if (!f) return;
    this.inFlight.delete(key);
    const p = { ...f.pod, rejectors, timestamp: this.opts.now() };
    p.backoffUntil = this.opts.now() + this.backoffFor(p.attempts);
    if (f.updated || this.moveRequestCycle >= f.cycle || rejectors.size === 0) this.toBackoff(p);
    else this.toUnschedulable(p);
  }

  /** The attempt failed with an error: retry after backoff. */
  errorAfterAttempt(key: string): void {
    const f = this.inFlight.get(key);
    if (!f) return;
    this.inFlight.delete(key);
    const p = { ...f.pod, timestamp: this.opts.now() };
    p.backoffUntil = this.opts.now() + this.backoffFor(p.attempts);
    this.toBackoff(p);
  }

  /** A cluster event: unschedulable pods whose rejectors care about it go back to scheduling. */
  onEvent(event: ClusterEvent): void {
    this.moveRequestCycle = this.cycle;
    if (this.unschedulable.size === 0) return;
    for (const [key, u] of this.unschedulable) {
      if (u.pod.rejectors.size && !this.opts.interested(u.pod, event)) continue;
      if (this.opts.gated?.(u.pod.info)) continue;
      this.unschedulable.delete(key);
      this.requeue(u.pod);
    }
  }

  private backoffFor(attempts: number): number {
    const initial = this.opts.initialBackoffMs ?? 1000;
    const max = this.opts.maxBackoffMs ?? 10_000;
    let d = initial;
    for (let i = 1; i < attempts && d < max; i++) d *= 2;
    return Math.min(d, max);
  }

  private requeue(p: QueuedPod): void {
    if (p.backoffUntil > this.opts.now()) this.toBackoff(p);
    else this.toActive({ ...p, timestamp: this.opts.now() });
  }

  private toActive(p: QueuedPod): void {
    this.where.set(p.info.key, 'active');
    this.active.push(p);
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private toBackoff(p: QueuedPod): void {
    this.where.set(p.info.key, 'backoff');
    this.backoff.push(p);
    this.armTimer();
  }

  private toUnschedulable(p: QueuedPod): void {
    this.where.set(p.info.key, 'unschedulable');
    this.unschedulable.set(p.info.key, { pod: p, since: this.opts.now() });
  }

  private armTimer(): void {
    const next = this.backoff.peek();
    if (!next || this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flushBackoff(), Math.max(0, next.backoffUntil - this.opts.now()));
    this.timer.unref?.();
  }

  /** Moves pods whose backoff is over to activeQ. */
  flushBackoff(): void {
    const now = this.opts.now();
    for (let p = this.backoff.peek(); p && p.backoffUntil <= now; p = this.backoff.peek()) {
      this.backoff.pop();
      this.toActive({ ...p, timestamp: now });
    }
    this.armTimer();
  }

  private flushUnschedulableLeftover(): void {
    const limit = this.opts.maxUnschedulableMs ?? 5 * 60_000;
    const now = this.opts.now();
    for (const [key, u] of this.unschedulable) {
      if (now - u.since < limit || this.opts.gated?.(u.pod.info)) continue;
      this.unschedulable.delete(key);
      this.requeue(u.pod);
    }
  }

  // --- PodNominator ---

  private updateNomination(info: PodInfo): void {
    const node = String((info.pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName ?? '');
    this.nominate(info, node);
  }

  /** Records (or clears, with '') where preemption made room for a pod. */
  nominate(info: PodInfo, node: string): void {
    this.clearNomination(info.key);
    if (!node) return;
    let m = this.nominated.get(node);
    if (!m) this.nominated.set(node, (m = new Map()));
    m.set(info.key, info);
    this.nominatedNodeOf.set(info.key, node);
  }

  clearNomination(key: string): void {
    const node = this.nominatedNodeOf.get(key);
    if (!node) return;
    this.nominatedNodeOf.delete(key);
    const m = this.nominated.get(node);
    m?.delete(key);
    if (m?.size === 0) this.nominated.delete(node);
  }

  nominatedPodsForNode(node: string): readonly PodInfo[] {
    const m = this.nominated.get(node);
    return m ? [...m.values()] : [];
  }

  hasNominations(): boolean {
    return this.nominated.size > 0;
  }
}
