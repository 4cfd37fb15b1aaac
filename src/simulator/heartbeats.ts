import type { Logger } from '../util/log.js';

export interface HeartbeatActions {
  renewLease(node: string): Promise<void>;
  reportStatus(node: string): Promise<void>;
}

/** How often the scheduler looks for due heartbeats. */
const tickMs = 100;

/**
 * Spreads many nodes' heartbeats evenly over the interval (node i renews at offset
 * i·interval/N), so 5,000 nodes with a 10 s interval cost 500 small writes a second rather
 * than a burst every 10 s. A heartbeat still in flight is not started again.
 */
export class HeartbeatScheduler {
  private timer?: NodeJS.Timeout;
  private readonly busy = new Set<string>();
  private started = 0;
  private leaseCursor = 0;
  private statusCursor = 0;

  constructor(
    private readonly nodes: string[],
    private readonly leaseMs: number,
    private readonly statusMs: number,
    private readonly actions: HeartbeatActions,
    private readonly log: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    this.started = this.now();
    this.timer = setInterval(() => this.tick(), Math.min(tickMs, this.leaseMs));
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Runs every heartbeat that came due since the last tick. */
  tick(): void {
    const elapsed = this.now() - this.started;
    const n = this.nodes.length;
    if (n === 0) return;
    // Heartbeats due so far, counting every node's every period.
    const leasesDue = Math.floor((elapsed / this.leaseMs) * n);
    for (; this.leaseCursor < leasesDue; this.leaseCursor++) this.run(`l:${this.nodes[this.leaseCursor % n]}`, (node) => this.actions.renewLease(node));
    const statusDue = Math.floor((elapsed / this.statusMs) * n);
    for (; this.statusCursor < statusDue; this.statusCursor++) this.run(`s:${this.nodes[this.statusCursor % n]}`, (node) => this.actions.reportStatus(node));
  }

  private run(key: string, fn: (node: string) => Promise<void>): void {
    if (this.busy.has(key)) return;
    this.busy.add(key);
    fn(key.slice(2))
      .catch((err) => this.log.warn({ err, node: key.slice(2) }, 'simulated node heartbeat failed'))
      .finally(() => this.busy.delete(key));
  }
}
