import { isIPv4 } from 'node:net';

/**
 * The IP a PTR name points at: `10.0.43.10.in-addr.arpa` → `10.43.0.10`, and the 32-nibble
 * `ip6.arpa` form → a canonical IPv6 address. Undefined for partial or malformed names
 * (those are left to the upstream resolvers).
 *
 * @example
 * ipFromReverseName('10.0.43.10.in-addr.arpa') // '10.43.0.10'
 */
export function ipFromReverseName(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const parts = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4) return undefined;
    const ip = parts.reverse().join('.');
    return isIPv4(ip) ? ip : undefined;
  }
  if (name.endsWith('.ip6.arpa')) {
    const nibbles = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || nibbles.some((n) => !/^[0-9a-f]$/.test(n))) return undefined;
    const hex = nibbles.reverse().join('');
    const groups = hex.match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, ''));
    return canonicalIPv6(groups.join(':'));
  }
  return undefined;
}

/** True for names under the reverse-lookup trees. */
export function isReverseName(name: string): boolean {
  return name.endsWith('.in-addr.arpa') || name.endsWith('.ip6.arpa') || name === 'in-addr.arpa' || name === 'ip6.arpa';
}

/** RFC 5952 text form, so addresses from different spellings compare equal. */
export function canonicalIPv6(ip: string): string {
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

/** A canonical spelling for any IP (IPv4 as is). */
export function canonicalIP(ip: string): string {
  if (isIPv4(ip)) return ip;
  try {
    return canonicalIPv6(ip);
  } catch {
    return ip;
  }
}
