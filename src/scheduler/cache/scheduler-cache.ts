import type { KubeObject } from '../../api/types.js';
import { NodeInfo } from '../framework/node-info.js';
import { PodInfo } from '../framework/pod-info.js';
import { ExistingTermIndex } from './existing-terms.js';
import { NodeTree } from './node-tree.js';
import { TermCountIndex } from './term-counts.js';
import { TopologyDomains } from './topology-domains.js';

interface CachedPod {
  info: PodInfo;
  node: string;
  /** Placed by this scheduler and not yet seen bound by the informer. */
  assumed: boolean;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * The scheduler's view of the cluster (Kubernetes' scheduler cache): nodes with the pods
 * assigned to them, including pods this scheduler assumed onto a node before their binding
 * was confirmed. Scheduling cycles run synchronously on this view — nothing changes it while
 * a cycle runs — so it doubles as the snapshot, with no per-cycle copy. Derived counts
 * (topology domains, per-term pod counts) are kept incrementally for the plugins.
 */
export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  /** Nodes deleted while pods were still on them (kept until the pods go). */
  private readonly ghosts = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, CachedPod>();
  private readonly tree = new NodeTree();
  /** Number of nodes holding each image (ImageLocality spreads by it). */
  readonly imageNodes = new Map<string, number>();
  readonly termCounts: TermCountIndex;
  readonly existingTerms = new ExistingTermIndex();
  readonly domains: TopologyDomains;
  /** Nodes hosting pods with any pod affinity terms / with required anti-affinity. */
  podsWithAffinity = 0;

  constructor(namespaceLabels: (ns: string) => Record<string, string> | undefined) {
    this.termCounts = new TermCountIndex(() => this.nodes.values(), namespaceLabels);
    this.domains = new TopologyDomains(() => this.nodes.values());
  }

  /** Nodes in scheduling order (zones interleaved). */
  nodeList(): readonly NodeInfo[] {
    return this.tree.list();
  }

  nodeCount(): number {
    return this.nodes.size;
  }

  node(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  pod(key: string): { info: PodInfo; node: string; assumed: boolean } | undefined {
    return this.pods.get(key);
  }

  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumed === true;
  }

  addNode(node: KubeObject): NodeInfo {
    const name = node.metadata.name!;
    const existing = this.nodes.get(name);
    if (existing) return this.updateNode(node);
    const ghost = this.ghosts.get(name);
    this.ghosts.delete(name);
    const info = ghost ?? new NodeInfo();
    info.setNode(node);
    this.nodes.set(name, info);
    this.tree.add(info);
    this.domains.nodeChanged(info.labels, 1);
    this.trackImages(info.images, 1);
    if (ghost?.pods.length) this.labelsChanged();
    return info;
  }

  updateNode(node: KubeObject): NodeInfo {
    const info = this.nodes.get(node.metadata.name!);
    if (!info) return this.addNode(node);
    const oldLabels = info.labels;
    const oldImages = info.images;
    info.setNode(node);
    if (!sameLabels(oldLabels, info.labels)) {
      this.tree.update(info, oldLabels);
      this.domains.nodeChanged(oldLabels, -1);
      this.domains.nodeChanged(info.labels, 1);
      this.labelsChanged();
    }
    if (oldImages.size || info.images.size) {
      this.trackImages(oldImages, -1);
      this.trackImages(info.images, 1);
    }
    return info;
  }

  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    this.nodes.delete(name);
    this.tree.remove(info);
    this.domains.nodeChanged(info.labels, -1);
    this.trackImages(info.images, -1);
    if (info.pods.length) {
      this.ghosts.set(name, info);
      this.labelsChanged();
    }
  }

  private trackImages(images: Map<string, number>, delta: 1 | -1): void {
    for (const name of images.keys()) {
      const n = (this.imageNodes.get(name) ?? 0) + delta;
      if (n <= 0) this.imageNodes.delete(name);
      else this.imageNodes.set(name, n);
    }
  }

  /** Anything keyed by node labels is recounted (rare: label edits, node deletions). */
  labelsChanged(): void {
    this.termCounts.reset();
    this.existingTerms.rebuild([...this.nodes.values(), ...this.ghosts.values()]);
  }

  private place(info: PodInfo, nodeName: string): void {
    let node = this.nodes.get(nodeName) ?? this.ghosts.get(nodeName);
    if (!node) {
      // The pod's node is not known yet (watch order): keep the pod on a placeholder.
      node = new NodeInfo();
      node.setNode({ metadata: { name: nodeName } });
      this.ghosts.set(nodeName, node);
    }
    node.addPod(info);
    if (info.hasAffinity) this.podsWithAffinity++;
    if (this.nodes.has(nodeName)) {
      this.termCounts.podChanged(node, info, 1);
      this.existingTerms.podChanged(node, info, 1);
    }
  }

  private unplace(info: PodInfo, nodeName: string): void {
    const node = this.nodes.get(nodeName) ?? this.ghosts.get(nodeName);
    if (!node || !node.removePod(info.key)) return;
    if (info.hasAffinity) this.podsWithAffinity--;
    if (this.nodes.has(nodeName)) {
      this.termCounts.podChanged(node, info, -1);
      this.existingTerms.podChanged(node, info, -1);
    } else if (node.pods.length === 0) this.ghosts.delete(nodeName);
  }

  /** Puts a pod on a node before its binding is confirmed (AssumePod). */
  assumePod(info: PodInfo, nodeName: string): void {
    const prev = this.pods.get(info.key);
    if (prev) this.unplace(prev.info, prev.node);
    info.nodeName = nodeName;
    this.pods.set(info.key, { info, node: nodeName, assumed: true });
    this.place(info, nodeName);
  }

  /** Takes an assumed pod back (its binding failed). */
  forgetPod(key: string): void {
    const cur = this.pods.get(key);
    if (!cur?.assumed) return;
    this.pods.delete(key);
    this.unplace(cur.info, cur.node);
    cur.info.nodeName = '';
  }

  /** An assigned pod seen by the informer (added or updated); confirms an assumed one. */
  upsertPod(pod: KubeObject): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const cur = this.pods.get(key);
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    if (
      cur &&
      cur.node === nodeName &&
      cur.info.uid === pod.metadata.uid &&
      sameLabels(cur.info.labels, pod.metadata.labels ?? {}) &&
      cur.info.deleting === !!pod.metadata.deletionTimestamp
    ) {
      // Same placement and nothing the plugins look at changed: keep the parsed info.
      cur.info.pod = pod;
      cur.assumed = false;
      return;
    }
    const info = new PodInfo(pod);
    if (cur) this.unplace(cur.info, cur.node);
    this.pods.set(info.key, { info, node: info.nodeName, assumed: false });
    this.place(info, info.nodeName);
  }

  removePod(key: string): void {
    const cur = this.pods.get(key);
    if (!cur) return;
    this.pods.delete(key);
    this.unplace(cur.info, cur.node);
  }

  /** Every node, live ones first (for counting). */
  allNodes(): IterableIterator<NodeInfo> {
    return this.nodes.values();
  }
}
