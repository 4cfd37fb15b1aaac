import { Ipv4Range, intToIp, ipToInt } from '../apiserver/allocators/ipv4-range.js';

/** kube-controller-manager's default --node-cidr-mask-size for IPv4. */
const defaultNodeMask = 24;

/**
 * Carves a cluster range into per-node podCIDRs, /24 each as node IPAM does by default; when
 * a fleet has more nodes than /24s fit, the blocks shrink so every node still gets one (a
 * simulated node never runs more pods than it can address in practice).
 *
 * @example new PodCidrs('10.42.0.0/16', 300).forNode(1) // '10.42.255.128/26'
 */
export class PodCidrs {
  readonly mask: number;
  private readonly base: number;
  private readonly blocks: number;

  constructor(clusterCidr: string, nodes: number) {
    const range = Ipv4Range.parse(clusterCidr);
    this.base = ipToInt(range.cidr.split('/')[0]!);
    let mask = Math.max(defaultNodeMask, range.prefix);
    while (2 ** (mask - range.prefix) < nodes && mask < 30) mask++;
    this.mask = mask;
    this.blocks = 2 ** (mask - range.prefix);
  }

  /**
   * The podCIDR of node `index`, counted from the top of the range (node IPAM hands real nodes
   * blocks from the bottom, so the two rarely meet), wrapping around when it is exhausted.
   */
  forNode(index: number): string {
    const size = 2 ** (32 - this.mask);
    const block = this.blocks - 1 - (index % this.blocks);
    return `${intToIp(this.base + block * size)}/${this.mask}`;
  }
}

/**
 * Hands out pod IPs within one node's podCIDR, skipping the network address and the first
 * host (the bridge gateway, as the CNI bridge plugin takes it); freed addresses are reused.
 */
export class NodeIpPool {
  private readonly start: number;
  private readonly size: number;
  private readonly used = new Set<number>();
  private next = 0;

  constructor(podCIDR: string) {
    const range = Ipv4Range.parse(podCIDR);
    this.start = ipToInt(range.cidr.split('/')[0]!) + 2;
    this.size = Math.max(1, range.size - 3);
  }

  allocate(): string {
    for (let i = 0; i < this.size; i++) {
      const n = (this.next + i) % this.size;
      if (this.used.has(n)) continue;
      this.used.add(n);
      this.next = (n + 1) % this.size;
      return intToIp(this.start + n);
    }
    // Every address is taken: share one (simulated pods carry no traffic).
    const n = this.next;
    this.next = (n + 1) % this.size;
    return intToIp(this.start + n);
  }

  /** Marks an address taken (a pod that already had it, e.g. after a restart). */
  reserve(ip: string): void {
    const n = ipToInt(ip) - this.start;
    if (n >= 0 && n < this.size) this.used.add(n);
  }

  release(ip: string): void {
    this.used.delete(ipToInt(ip) - this.start);
  }
}
