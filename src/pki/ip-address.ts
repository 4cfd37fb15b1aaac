import { isIPv4, isIPv6 } from 'node:net';

/**
 * The raw bytes of an IP address: 4 for IPv4, 16 for IPv6. An IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`) comes back as its 4 IPv4 bytes, because that is how X.509 stores it
 * (Go's crypto/x509 writes `ip.To4()` too), so the two spellings compare equal.
 * A zone suffix (`fe80::1%eth0`) is ignored: certificates cannot carry one.
 *
 * @example
 * ipToBytes('10.43.0.1');  // Uint8Array [10, 43, 0, 1]
 * ipToBytes('::1').length; // 16
 * @throws {TypeError} when `ip` is not an IP address.
 */
export function ipToBytes(ip: string): Uint8Array {
  const address = ip.split('%')[0] ?? ip;
  if (isIPv4(address)) return Uint8Array.from(address.split('.').map(Number));
  if (!isIPv6(address)) throw new TypeError(`not an IP address: ${ip}`);

  let text = address.toLowerCase();
  // A dotted IPv4 tail (`::ffff:1.2.3.4`) stands for the last two 16-bit groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail?.[1]) {
    const [a, b, c, d] = tail[1].split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  const bytes = new Uint8Array(16);
  [...left, ...zeros, ...right].forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  const mappedV4 = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mappedV4 ? bytes.slice(12) : bytes;
}

/**
 * Formats raw address bytes the canonical way: dotted quad, or RFC 5952 IPv6
 * (lower case, longest run of zero groups shortened to `::`).
 *
 * @example
 * formatIP(Uint8Array.from([10, 43, 0, 1])); // '10.43.0.1'
 */
export function formatIP(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) throw new TypeError(`an IP address has 4 or 16 bytes, not ${bytes.length}`);
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // RFC 5952: shorten the longest run of two or more zero groups (the first one on a tie).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * One spelling per address, so SAN lists can be compared and de-duplicated.
 *
 * @example
 * canonicalIP('2001:DB8:0:0::1'); // '2001:db8::1'
 * canonicalIP('::ffff:10.0.0.1'); // '10.0.0.1'
 */
export function canonicalIP(ip: string): string {
  return formatIP(ipToBytes(ip));
}

/**
 * The first usable address of a service CIDR: the one the `kubernetes` Service gets and so
 * one the apiserver's serving certificate must name (10.43.0.1 for k3s's 10.43.0.0/16).
 *
 * @example
 * firstServiceIP('10.43.0.0/16');   // '10.43.0.1'
 * firstServiceIP('fd00:43::/112'); // 'fd00:43::1'
 * @throws {TypeError} when `cidr` is not `address/prefix`.
 */
export function firstServiceIP(cidr: string): string {
  const [address, prefixText] = cidr.trim().split('/');
  const bytes = ipToBytes(address ?? '');
  const prefix = Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bytes.length * 8 || prefixText === '') {
    throw new TypeError(`not a CIDR: ${cidr}`);
  }
  // Clear the host bits, then add one.
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    const i = bit >> 3;
    bytes[i] = (bytes[i] ?? 0) & ~(0x80 >> (bit & 7));
  }
  for (let i = bytes.length - 1; i >= 0; i--) {
    bytes[i] = ((bytes[i] ?? 0) + 1) & 0xff;
    if (bytes[i] !== 0) break;
  }
  return formatIP(bytes);
}
