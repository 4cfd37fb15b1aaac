import { Ipv4Range, intToIp, ipToInt } from '../../apiserver/allocators/ipv4-range.js';

/**
 * The cluster CIDR cut into equal node ranges (kube-controller-manager's CIDR set):
 * `10.42.0.0/16` with mask size 24 gives 256 ranges, `10.42.0.0/24` … `10.42.255.0/24`.
 *
 * @example
 * const set = new PodCidrSet('10.42.0.0/16', 24);
 * set.cidr(3);                 // '10.42.3.0/24'
 * set.indexOf('10.42.3.0/24'); // 3
 */
export class PodCidrSet {
  private readonly base: number;
  readonly count: number;

  constructor(
    readonly clusterCidr: string,
    readonly maskSize = 24,
  ) {
    const range = Ipv4Range.parse(clusterCidr);
    const prefix = Number(range.cidr.split('/')[1]);
    if (maskSize < prefix || maskSize > 30) throw new Error(`node CIDR mask size ${maskSize} does not fit cluster CIDR ${clusterCidr}`);
    this.base = ipToInt(range.cidr.split('/')[0]!);
    this.count = 2 ** (maskSize - prefix);
  }

  cidr(index: number): string {
    return `${intToIp((this.base + index * 2 ** (32 - this.maskSize)) >>> 0)}/${this.maskSize}`;
  }

  /** The index of a node range of this set, or undefined for anything else. */
  indexOf(cidr: string): number | undefined {
    const [ip, mask] = cidr.split('/');
    if (Number(mask) !== this.maskSize) return undefined;
    const offset = ipToInt(ip ?? '') - this.base;
    const step = 2 ** (32 - this.maskSize);
    if (Number.isNaN(offset) || offset < 0 || offset % step !== 0 || offset / step >= this.count) return undefined;
    return offset / step;
  }
}
