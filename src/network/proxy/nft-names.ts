import { createHash } from 'node:crypto';

/**
 * nft object names for a service port: a short hash keeps names unique and bounded, the
 * readable tail makes `nft list table` legible (kube-proxy's naming scheme).
 */
function hashed(prefix: string, key: string): string {
  const h = createHash('sha256').update(key).digest('base64url').replace(/[-_]/g, 'x').slice(0, 8).toUpperCase();
  return `${prefix}-${h}-${key}`;
}

/** The chain that balances cluster-IP traffic over a service port's endpoints. */
export function serviceChain(portKey: string): string {
  return hashed('svc', portKey);
}

/** The chain for traffic from outside (NodePort, LoadBalancer, externalIPs). */
export function externalChain(portKey: string): string {
  return hashed('ext', portKey);
}

/** A per-endpoint chain (only services with ClientIP affinity need them). */
export function endpointChain(portKey: string, ip: string, port: number): string {
  return hashed('sep', `${portKey}__${ip}/${port}`);
}

/** The set of clients recently sent to one endpoint (ClientIP affinity). */
export function affinitySet(portKey: string, ip: string, port: number): string {
  return hashed('aff', `${portKey}__${ip}/${port}`);
}
