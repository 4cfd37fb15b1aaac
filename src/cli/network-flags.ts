import { Option } from 'commander';
import type { NetworkServicesConfig } from '../network/services-config.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid port: ${value}`);
  return n;
}

function workers(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`invalid worker count: ${value}`);
  return n;
}

/** Server flags of the built-in cluster DNS and Ingress controller. */
export function networkServiceOptions(): Option[] {
  return [
    new Option('--cluster-dns-listen <ip:port>', 'where the cluster DNS listens (default: the node IP, port 53; kube-dns endpoints point there)'),
    new Option('--ingress-http-port <port>', 'HTTP port of the built-in Ingress controller').default(80).argParser(port),
    new Option('--ingress-https-port <port>', 'HTTPS port of the built-in Ingress controller').default(443).argParser(port),
    new Option('--ingress-workers <n>', "Ingress proxy worker processes: 'auto' (one per core, up to 4; none on one core) or a number, 0 to proxy in the server process").default('auto').argParser(workers),
  ];
}

/** The ServerConfig part these flags set (`--cluster-domain` is shared with the agent's flags). */
export function networkServicesFrom(opts: Record<string, unknown>): NetworkServicesConfig {
  return {
    clusterDomain: typeof opts.clusterDomain === 'string' ? opts.clusterDomain : undefined,
    clusterDnsListen: opts.clusterDnsListen as string | undefined,
    ingressHttpPort: opts.ingressHttpPort as number | undefined,
    ingressHttpsPort: opts.ingressHttpsPort as number | undefined,
    ingressWorkers: opts.ingressWorkers as number | 'auto' | undefined,
  };
}
