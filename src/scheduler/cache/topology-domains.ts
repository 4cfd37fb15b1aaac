import type { NodeInfo } from '../framework/node-info.js';

/**
 * For each topology key asked about, how many nodes carry each value (and how many carry
 * the key at all): the domains topology spreading counts, including empty ones.
 */
export class TopologyDomains {
  private readonly byKey = new Map<string, { values: Map<string, number>; nodes: number }>();

  constructor(private readonly allNodes: () => Iterable<NodeInfo>) {}

  of(key: string): { values: Map<string, number>; nodes: number } {
    let d = this.byKey.get(key);
    if (!d) {
      d = { values: new Map(), nodes: 0 };
      for (const n of this.allNodes()) {
        const v = n.labels[key];
        if (v === undefined) continue;
        d.values.set(v, (d.values.get(v) ?? 0) + 1);
        d.nodes++;
      }
      this.byKey.set(key, d);
    }
    return d;
  }

  nodeChanged(labels: Record<string, string> | undefined, delta: 1 | -1): void {
    if (!labels) return;
    for (const [key, d] of this.byKey) {
      const v = labels[key];
      if (v === undefined) continue;
      const n = (d.values.get(v) ?? 0) + delta;
      if (n <= 0) d.values.delete(v);
      else d.values.set(v, n);
      d.nodes += delta;
    }
  }
}
