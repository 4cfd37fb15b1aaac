/** An IPv4 CIDR range with address arithmetic (for service IPs and pod CIDRs). */
export class Ipv4Range {
  private constructor(
    readonly cidr: string,
    private readonly base: number,
    readonly prefix: number,
  ) {}

  static parse(cidr: string): Ipv4Range {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr.trim());
    if (!m) throw new Error(`invalid IPv4 CIDR: ${cidr}`);
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix < 1 || prefix > 30) throw new Error(`invalid IPv4 CIDR: ${cidr}`);
    const ip = ipToInt(octets.join('.'));
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    const base = (ip & mask) >>> 0;
    return new Ipv4Range(`${intToIp(base)}/${prefix}`, base, prefix);
  }

  get size(): number {
    return 2 ** (32 - this.prefix);
  }

  nth(n: number): string {
    return intToIp((this.base + n) >>> 0);
  }

  contains(ip: string): boolean {
    const n = ipToInt(ip);
    if (Number.isNaN(n)) return false;
    return n - this.base >= 0 && n - this.base < this.size;
  }
}

export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) return NaN;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return NaN;
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
