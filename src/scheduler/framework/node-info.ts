import type { KubeObject } from '../../api/types.js';
import { normalizedImageName, type HostPort, type PodInfo } from './pod-info.js';
import { addResource, cloneResource, emptyResource, resourceFromList, type Resource } from './resource.js';
import type { Taint } from './taints.js';

let generations = 0;

/** The images a node reports, by normalized name, with their size. */
function imagesOf(node: KubeObject): Map<string, number> {
  const out = new Map<string, number>();
  const images = (node.status as { images?: { names?: string[]; sizeBytes?: number }[] } | undefined)?.images ?? [];
  for (const img of images) for (const n of img.names ?? []) out.set(normalizedImageName(n), img.sizeBytes ?? 0);
  return out;
}

/**
 * One node with the pods on it and what they add up to (framework.NodeInfo): requested and
 * non-zero requested resources, host ports in use, pods with (anti-)affinity, images. Kept
 * current incrementally by the scheduler cache; `generation` changes with every change.
 */
export class NodeInfo {
  node!: KubeObject;
  name!: string;
  labels!: Record<string, string>;
  taints!: Taint[];
  unschedulable!: boolean;
  allocatable!: Resource;
  images!: Map<string, number>;
  readonly pods: PodInfo[] = [];
  readonly requested: Resource = emptyResource();
  nonZeroCPU = 0;
  nonZeroMemory = 0;
  /** host port usage: `ip/protocol/port` entries (0.0.0.0 conflicts with every IP). */
  readonly usedPorts = new Map<string, number>();
  podsWithAffinity = 0;
  podsWithRequiredAntiAffinity = 0;
  generation = ++generations;

  constructor(node?: KubeObject) {
    if (node) this.setNode(node);
  }

  setNode(node: KubeObject): void {
    this.node = node;
    this.name = node.metadata.name!;
    this.labels = node.metadata.labels ?? {};
    const spec = (node.spec ?? {}) as { taints?: Taint[]; unschedulable?: boolean };
    this.taints = spec.taints ?? [];
    this.unschedulable = spec.unschedulable === true;
    this.allocatable = resourceFromList((node.status as { allocatable?: unknown } | undefined)?.allocatable);
    this.images = imagesOf(node);
    this.generation = ++generations;
  }

  addPod(p: PodInfo): void {
    this.pods.push(p);
    this.account(p, 1);
  }

  /** Removes the pod with this key; false when it is not here. */
  removePod(key: string): boolean {
    const i = this.pods.findIndex((x) => x.key === key);
    if (i < 0) return false;
    const [p] = this.pods.splice(i, 1);
    this.account(p!, -1);
    return true;
  }

  private account(p: PodInfo, sign: 1 | -1): void {
    addResource(this.requested, p.requests, sign);
    this.nonZeroCPU += sign * p.nonZeroCPU;
    this.nonZeroMemory += sign * p.nonZeroMemory;
    for (const hp of p.hostPorts) {
      const k = `${hp.ip}/${hp.protocol}/${hp.port}`;
      const n = (this.usedPorts.get(k) ?? 0) + sign;
      if (n <= 0) this.usedPorts.delete(k);
      else this.usedPorts.set(k, n);
    }
    if (p.hasAffinity) this.podsWithAffinity += sign;
    if (p.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity += sign;
    this.generation = ++generations;
  }

  /** Whether a host port is free (a wildcard IP conflicts with any IP on the same protocol/port). */
  portFree(hp: HostPort): boolean {
    if (this.usedPorts.size === 0) return true;
    if (hp.ip === '0.0.0.0') {
      for (const k of this.usedPorts.keys()) {
        const [, proto, port] = k.split('/');
        if (proto === hp.protocol && Number(port) === hp.port) return false;
      }
      return true;
    }
    return !this.usedPorts.has(`${hp.ip}/${hp.protocol}/${hp.port}`) && !this.usedPorts.has(`0.0.0.0/${hp.protocol}/${hp.port}`);
  }

  /** A copy that can be changed without touching the cache (preemption dry runs). */
  clone(): NodeInfo {
    const c = new NodeInfo();
    c.node = this.node;
    c.name = this.name;
    c.labels = this.labels;
    c.taints = this.taints;
    c.unschedulable = this.unschedulable;
    c.allocatable = this.allocatable;
    c.images = this.images;
    c.pods.push(...this.pods);
    Object.assign(c.requested, cloneResource(this.requested));
    c.nonZeroCPU = this.nonZeroCPU;
    c.nonZeroMemory = this.nonZeroMemory;
    for (const [k, v] of this.usedPorts) c.usedPorts.set(k, v);
    c.podsWithAffinity = this.podsWithAffinity;
    c.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity;
    return c;
  }
}
