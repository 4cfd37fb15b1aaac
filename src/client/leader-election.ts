import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Clock, rfc3339Micro, systemClock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { LeaderRecord, LeaseLock, ObservedLease } from './lease-lock.js';

export interface LeaderElectionOptions {
  lock: LeaseLock;
  /** Who we are in `holderIdentity` (default `<hostname>_<uuid>`, as Kubernetes components). */
  identity?: string;
  /** How long a lease holds without renewal (Kubernetes' default 15 s). */
  leaseDurationMs?: number;
  /** A leader that cannot renew for this long steps down (default 10 s). */
  renewDeadlineMs?: number;
  /** How often to try to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  clock?: Clock;
  log?: Logger;
  onStartedLeading(): void | Promise<void>;
  onStoppedLeading(): void | Promise<void>;
  onNewLeader?(identity: string): void;
}

/** Kubernetes' default identity: host name plus a random suffix, unique per process. */
export function defaultIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

/**
 * client-go's leader election over a coordination.k8s.io Lease: a candidate takes the lease
 * when it is free or expired (expiry judged by when *we* last saw it change, so clocks of
 * different machines never need to agree), renews it every retry period, and steps down when
 * it cannot renew within the renew deadline. stop() releases a held lease so another server
 * takes over at once.
 *
 * @example
 * const elector = new LeaderElector({
 *   lock: catalogLeaseLock(catalog, 'kube-system', 'kube-controller-manager'),
 *   onStartedLeading: () => controllers.start(),
 *   onStoppedLeading: () => controllers.stop(),
 * });
 * elector.run();
 */
export class LeaderElector {
  readonly identity: string;
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private readonly clock: Clock;
  private observed?: ObservedLease;
  private observedAtMs = 0;
  private leading = false;
  private lastRenewMs = 0;
  private timer?: NodeJS.Timeout;
  private running = false;
  private tickInFlight?: Promise<void>;
  private lastLeader = '';

  constructor(private readonly opts: LeaderElectionOptions) {
    this.identity = opts.identity ?? defaultIdentity();
    this.leaseMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryMs = opts.retryPeriodMs ?? 2_000;
    this.clock = opts.clock ?? systemClock;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Who holds the lease as last observed ('' when free or unknown). */
  leader(): string {
    return this.observed?.record.holderIdentity ?? '';
  }

  /**
   * Starts campaigning (and renewing once elected) every retry period; the first round runs
   * at once unless the caller just ran one with tick().
   */
  run(opts: { firstTickNow?: boolean } = {}): void {
    if (this.running) return;
    this.running = true;
    const loop = () => {
      this.tickInFlight = this.tick().finally(() => {
        if (this.running) this.timer = setTimeout(loop, this.retryMs);
      });
    };
    if (opts.firstTickNow === false) this.timer = setTimeout(loop, this.retryMs);
    else loop();
  }

  /** One round: acquire or renew, and start or stop leading accordingly. */
  async tick(): Promise<void> {
    const ok = await this.tryAcquireOrRenew().catch((err) => {
      this.opts.log?.warn({ err, lease: this.opts.lock.description }, 'leader election: lease request failed');
      return false;
    });
    const now = this.clock.now();
    if (ok) {
      this.lastRenewMs = now;
      if (!this.leading) {
        this.leading = true;
        this.opts.log?.info({ identity: this.identity, lease: this.opts.lock.description }, 'became leader');
        await this.opts.onStartedLeading();
      }
    } else if (this.leading && now - this.lastRenewMs > this.renewDeadlineMs) {
      await this.stepDown('could not renew the lease in time');
    }
    const leader = this.leader();
    if (leader && leader !== this.lastLeader) {
      this.lastLeader = leader;
      this.opts.onNewLeader?.(leader);
    }
  }

  private async stepDown(why: string): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    this.opts.log?.warn({ identity: this.identity, lease: this.opts.lock.description, why }, 'stopped leading');
    await this.opts.onStoppedLeading();
  }

  private observe(lease: ObservedLease): void {
    if (this.observed?.raw !== lease.raw) this.observedAtMs = this.clock.now();
    this.observed = lease;
  }

  /** tryAcquireOrRenew: true when we hold the lease after this call. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const record: LeaderRecord = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.round(this.leaseMs / 1000),
      acquireTime: rfc3339Micro(now),
      renewTime: rfc3339Micro(now),
      leaseTransitions: 0,
    };
    const current = await this.opts.lock.get();
    if (!current) {
      this.observe(await this.opts.lock.create(record));
      this.observedAtMs = now;
      return true;
    }
    this.observe(current);
    const held = current.record.holderIdentity ?? '';
    const mine = held === this.identity;
    const valid = this.observedAtMs + (current.record.leaseDurationSeconds ?? 0) * 1000 > now;
    if (held && !mine && valid) return false;
    if (mine) {
      record.acquireTime = current.record.acquireTime ?? record.acquireTime;
      record.leaseTransitions = current.record.leaseTransitions ?? 0;
    } else {
      record.leaseTransitions = (current.record.leaseTransitions ?? 0) + 1;
    }
    this.observe(await this.opts.lock.update(record, current.resourceVersion));
    return true;
  }

  /** Stops campaigning; a leader steps down and releases the lease for the next candidate. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.tickInFlight?.catch(() => undefined);
    if (!this.leading) return;
    await this.stepDown('stopping');
    const cur = this.observed;
    if (cur && cur.record.holderIdentity === this.identity) {
      const now = rfc3339Micro(this.clock.now());
      await this.opts.lock
        .update({ holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: cur.record.leaseTransitions ?? 0 }, cur.resourceVersion)
        .catch((err) => this.opts.log?.warn({ err }, 'could not release the lease'));
    }
  }
}
