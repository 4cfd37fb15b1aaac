import { hostname as osHostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { isIP } from 'node:net';
import { canonicalIP, firstServiceIP, ipToBytes } from './ip-address.js';

/** The names a serving certificate must carry, de-duplicated and canonical. */
export interface ServingNames {
  dnsNames: string[];
  ips: string[];
}

/** Inputs of {@link servingNames}; the host facts are injectable so tests need no real NICs. */
export interface ServingNamesOptions {
  /** Service CIDRs; the first address of each is the `kubernetes` Service's ClusterIP. */
  serviceCIDRs: readonly string[];
  /** Extra names, like k3s's `--tls-san`. An entry that parses as an IP goes to the IP list. */
  extraHostnames?: readonly string[];
  extraIPs?: readonly string[];
  hostname?: string;
  interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/** The in-cluster names of the apiserver (the `kubernetes` Service in `default`). */
export const KUBERNETES_SERVICE_NAMES = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
] as const;

/**
 * Link-local addresses are left out on purpose: every veth a pod network creates adds an
 * `fe80::` address on the host, and naming those would reissue the certificate on nearly
 * every restart for addresses no client can dial without a zone anyway.
 */
function isLinkLocal(ip: string): boolean {
  const b = ipToBytes(ip);
  if (b.length === 4) return b[0] === 169 && b[1] === 254;
  return b[0] === 0xfe && ((b[1] ?? 0) & 0xc0) === 0x80;
}

/**
 * The SANs the apiserver's serving certificate needs right now: loopback, `localhost`, the
 * host's name and its routable addresses, the `kubernetes` Service names and ClusterIP(s),
 * and whatever the operator added.
 *
 * @example
 * servingNames({ serviceCIDRs: ['10.43.0.0/16'], extraHostnames: ['k8ts.example.com'] });
 * // { dnsNames: ['localhost', '<hostname>', 'kubernetes', …, 'k8ts.example.com'],
 * //   ips: ['127.0.0.1', '::1', '<host addresses>', '10.43.0.1'] }
 */
export function servingNames(opts: ServingNamesOptions): ServingNames {
  const hostname = opts.hostname ?? osHostname();
  const interfaces = opts.interfaces ?? networkInterfaces();
  const dnsNames = ['localhost', hostname, ...KUBERNETES_SERVICE_NAMES];
  const ips = ['127.0.0.1', '::1'];
  for (const addresses of Object.values(interfaces)) {
    for (const a of addresses ?? []) {
      if (!a.internal && !isLinkLocal(a.address)) ips.push(a.address);
    }
  }
  ips.push(...opts.serviceCIDRs.map(firstServiceIP));
  for (const name of opts.extraHostnames ?? []) (isIP(name) ? ips : dnsNames).push(name);
  ips.push(...(opts.extraIPs ?? []));
  return mergeServingNames({ dnsNames, ips });
}

/**
 * Union of SAN lists, first occurrence wins. DNS names compare case-insensitively (as TLS
 * clients match them) and IPs by value.
 *
 * @example
 * mergeServingNames({ dnsNames: ['a'], ips: ['::1'] }, { dnsNames: ['A', 'b'], ips: ['0::1'] });
 * // { dnsNames: ['a', 'b'], ips: ['::1'] }
 */
export function mergeServingNames(...lists: ServingNames[]): ServingNames {
  const dns = new Map<string, string>();
  const ips = new Set<string>();
  for (const list of lists) {
    for (const name of list.dnsNames) {
      const key = name.toLowerCase();
      if (name !== '' && !dns.has(key)) dns.set(key, name);
    }
    for (const ip of list.ips) ips.add(canonicalIP(ip));
  }
  return { dnsNames: [...dns.values()], ips: [...ips] };
}

/**
 * The names in `required` that `present` lacks; empty means the certificate still fits.
 *
 * @example
 * missingServingNames(servingNames(opts), inspectCertificate(servingPem)).ips; // ['192.0.2.9']
 */
export function missingServingNames(required: ServingNames, present: ServingNames): ServingNames {
  const have = mergeServingNames(present);
  const dns = new Set(have.dnsNames.map((n) => n.toLowerCase()));
  const ips = new Set(have.ips);
  const want = mergeServingNames(required);
  return {
    dnsNames: want.dnsNames.filter((n) => !dns.has(n.toLowerCase())),
    ips: want.ips.filter((ip) => !ips.has(ip)),
  };
}
