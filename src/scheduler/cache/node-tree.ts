import type { NodeInfo } from '../framework/node-info.js';

/** The zone of a node as the scheduler groups nodes: region and zone labels together. */
export function zoneKey(labels: Record<string, string>): string {
  const region = labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region || zone ? `${region}:\x00:${zone}` : '';
}

/**
 * Nodes grouped by zone, listed round-robin across zones (the scheduler's nodeTree): when the
 * scheduler looks at only some of the nodes, it still sees every zone.
 */
export class NodeTree {
  private readonly zones = new Map<string, NodeInfo[]>();
  private listed: NodeInfo[] = [];
  private dirty = false;

  get size(): number {
    let n = 0;
    for (const z of this.zones.values()) n += z.length;
    return n;
  }

  add(node: NodeInfo): void {
    const z = zoneKey(node.labels);
    let list = this.zones.get(z);
    if (!list) this.zones.set(z, (list = []));
    list.push(node);
    this.dirty = true;
  }

  remove(node: NodeInfo): void {
    for (const [z, list] of this.zones) {
      const i = list.indexOf(node);
      if (i < 0) continue;
      list.splice(i, 1);
      if (list.length === 0) this.zones.delete(z);
      this.dirty = true;
      return;
    }
  }

  /** Moves a node whose zone labels changed. */
  update(node: NodeInfo, oldLabels: Record<string, string>): void {
    if (zoneKey(oldLabels) === zoneKey(node.labels)) return;
    this.remove(node);
    this.add(node);
  }

  /** Every node, zones interleaved. */
  list(): readonly NodeInfo[] {
    if (!this.dirty) return this.listed;
    const lists = [...this.zones.values()];
    const out: NodeInfo[] = [];
    for (let i = 0; out.length < this.size; i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
    this.listed = out;
    this.dirty = false;
    return out;
  }
}
