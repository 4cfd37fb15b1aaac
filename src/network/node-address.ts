import { networkInterfaces } from 'node:os';

/**
 * The node's addresses as the cluster sees it: every non-internal IPv4, then IPv6, address
 * of the host (the first is the primary, what Ingress status and the kube-dns endpoints
 * advertise). Falls back to 127.0.0.1 on a host without one.
 */
export function nodeAddresses(): string[] {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv4') v4.push(a.address);
      else if (!a.address.startsWith('fe80')) v6.push(a.address);
    }
  }
  const all = [...v4, ...v6];
  return all.length ? all : ['127.0.0.1'];
}
