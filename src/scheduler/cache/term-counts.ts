import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import type { LabelMatcher } from '../framework/selectors.js';

/** Selects pods: namespaces (by name, or by a namespace label selector) and labels. */
export interface PodQuery {
  key: string;
  namespaces: ReadonlySet<string>;
  namespaceSelector?: LabelMatcher;
  selector: LabelMatcher;
  /** Leave pods being deleted out (topology spread does; affinity does not). */
  skipTerminating: boolean;
}

/** Counts of matching pods per topology value for one query and one topology key. */
export class TopologyCounts {
  readonly counts = new Map<string, number>();
  /** How many topology values have each count (for the minimum across domains). */
  readonly histogram = new Map<number, number>();

  bump(value: string, delta: number): void {
    const before = this.counts.get(value) ?? 0;
    const after = before + delta;
    if (before > 0) this.histogram.set(before, (this.histogram.get(before) ?? 1) - 1);
    if (after > 0) {
      this.counts.set(value, after);
      this.histogram.set(after, (this.histogram.get(after) ?? 0) + 1);
    } else this.counts.delete(value);
  }

  get(value: string): number {
    return this.counts.get(value) ?? 0;
  }

  /** The smallest count among values that have one (0 when none). */
  minPositive(): number {
    let min = Infinity;
    for (const [count, n] of this.histogram) if (n > 0 && count < min) min = count;
    return min === Infinity ? 0 : min;
  }
}

interface Entry {
  query: PodQuery;
  topologyKey: string;
  counts: TopologyCounts;
  used: number;
}

/** Entries kept (least recently used ones go first). */
const maxEntries = 64;

/**
 * Counts of pods matching a query, per value of a topology key of their nodes — what
 * InterPodAffinity and PodTopologySpread compute over every pod on every cycle in Kubernetes,
 * kept here incrementally: built on first use from the cache, then updated as pods come and
 * go, so a cycle costs a lookup instead of a scan of all pods.
 */
export class TermCountIndex {
  private readonly entries = new Map<string, Entry>();
  private tick = 0;

  constructor(
    private readonly allNodes: () => Iterable<NodeInfo>,
    private readonly namespaceLabels: (ns: string) => Record<string, string> | undefined,
  ) {}

  private matches(q: PodQuery, p: PodInfo): boolean {
    if (q.skipTerminating && p.deleting) return false;
    if (!q.namespaces.has(p.namespace) && !(q.namespaceSelector && q.namespaceSelector(this.namespaceLabels(p.namespace)))) return false;
    return q.selector(p.labels);
  }

  /** Counts for a query under a topology key (built now if not kept). */
  counts(query: PodQuery, topologyKey: string): TopologyCounts {
    const id = `${query.key}#${query.skipTerminating ? 1 : 0}#${topologyKey}`;
    let e = this.entries.get(id);
    if (!e) {
      e = { query, topologyKey, counts: new TopologyCounts(), used: 0 };
      for (const node of this.allNodes()) {
        const value = node.labels[topologyKey];
        if (value === undefined) continue;
        let n = 0;
        for (const p of node.pods) if (this.matches(query, p)) n++;
        if (n) e.counts.bump(value, n);
      }
      if (this.entries.size >= maxEntries) this.evict();
      this.entries.set(id, e);
    }
    e.used = ++this.tick;
    return e.counts;
  }

  private evict(): void {
    let oldest: [string, Entry] | undefined;
    for (const kv of this.entries) if (!oldest || kv[1].used < oldest[1].used) oldest = kv;
    if (oldest) this.entries.delete(oldest[0]);
  }

  podChanged(node: NodeInfo, pod: PodInfo, delta: 1 | -1): void {
    for (const e of this.entries.values()) {
      const value = node.labels[e.topologyKey];
      if (value !== undefined && this.matches(e.query, pod)) e.counts.bump(value, delta);
    }
  }

  /** Node labels or namespace labels changed: counts are rebuilt on next use. */
  reset(): void {
    this.entries.clear();
  }
}
