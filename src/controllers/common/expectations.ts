import type { Clock } from '../../util/clock.js';

/** Expectations older than this are ignored, so a lost watch event cannot wedge a controller. */
const expectationsTimeoutMs = 5 * 60_000;

interface Record {
  adds: number;
  /** Keys of objects whose deletion is awaited (each is observed at most once). */
  deletes: Set<string>;
  setAtMs: number;
}

/**
 * Kubernetes' ControllerExpectations (with UID tracking for deletes): after a controller asks
 * for N creations it waits to see them in its cache before acting on that key again, so a
 * slow watch never makes it create twice. Deletions are tracked by pod key.
 *
 * @example
 * if (!exp.satisfied(rsKey)) return;          // still waiting: only refresh status
 * exp.expectCreations(rsKey, 3);               // before creating 3 pods
 * exp.creationObserved(rsKey);                 // pod informer: a pod of rsKey appeared
 */
export class Expectations {
  private readonly records = new Map<string, Record>();

  constructor(private readonly clock: Clock) {}

  /** True when nothing is pending for the key (or what is pending is too old to trust). */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.adds <= 0 && r.deletes.size === 0) return true;
    return this.clock.now() - r.setAtMs > expectationsTimeoutMs;
  }

  expectCreations(key: string, n: number): void {
    this.records.set(key, { adds: n, deletes: new Set(), setAtMs: this.clock.now() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.records.set(key, { adds: 0, deletes: new Set(podKeys), setAtMs: this.clock.now() });
  }

  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r) r.adds--;
  }

  /** A creation that will never be observed (the request failed or was skipped). */
  lowerCreations(key: string, n: number): void {
    const r = this.records.get(key);
    if (r) r.adds -= n;
  }

  deletionObserved(key: string, podKey: string): void {
    this.records.get(key)?.deletes.delete(podKey);
  }

  delete(key: string): void {
    this.records.delete(key);
  }
}
