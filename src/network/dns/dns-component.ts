import type { ServerComponent } from '../../server/component.js';
import { nodeAddresses } from '../node-address.js';
import { storeSources } from './cluster-index.js';
import { ClusterDns } from './cluster-dns.js';
import { clusterDnsIP, dnsMetricsPort, ensureKubeDnsService } from './kube-dns-service.js';

/** `ip:port`, `[v6]:port` or a bare IP (port 53). */
export function parseListenAddress(value: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:]+):(\d+)$/.exec(value);
  if (m) return { host: m[1]!, port: Number(m[2]) };
  return { host: value, port: 53 };
}

export interface DnsComponentOptions {
  /** `ip:port` to listen on; default the node's primary IP, port 53. */
  listen?: string;
  clusterDomain?: string;
  /** Where other names are forwarded: this file's nameservers (k3s: the kubelet's `--resolv-conf`); default /etc/resolv.conf. */
  resolvConfPath?: string;
}

/**
 * Cluster DNS inside `k8ts server` (k3s's `coredns`, so `--disable coredns` turns it off):
 * serves the zone on the node and publishes the kube-dns Service with the `--cluster-dns`
 * IP and endpoints at the listener. A listener that cannot bind (port 53 taken) is logged,
 * not fatal: the API server keeps running.
 */
export function dnsComponent(opts: DnsComponentOptions = {}): ServerComponent {
  let dns: ClusterDns | undefined;
  return {
    name: 'coredns',
    async start(ctx) {
      const nodeIP = nodeAddresses()[0]!;
      const listen = opts.listen ? parseListenAddress(opts.listen) : { host: nodeIP, port: 53 };
      const serviceIP = clusterDnsIP(ctx.config.serviceCidr, ctx.config.clusterDns);
      // Like k3s's CoreDNS, which forwards to the resolv.conf the kubelet's --resolv-conf gives it.
      const resolvConfPath = opts.resolvConfPath ?? ctx.config.agent?.resolvConf;
      dns = new ClusterDns({
        sources: storeSources(ctx.catalog),
        host: listen.host,
        port: listen.port,
        clusterDomain: opts.clusterDomain,
        ...(resolvConfPath ? { resolvConfPath } : {}),
        nameserverIP: serviceIP,
        // CoreDNS's metrics port beside the default listener; a free one beside a test port.
        metricsPort: listen.port === 0 ? 0 : dnsMetricsPort,
        clock: ctx.clock,
        log: ctx.log.child({ component: 'coredns' }),
      });
      let bound: { host: string; port: number };
      try {
        bound = await dns.start();
      } catch (err) {
        ctx.log.warn({ err, listen: `${listen.host}:${listen.port}` }, 'cluster DNS could not listen; continuing without it');
        dns = undefined;
        return;
      }
      const advertised = ['0.0.0.0', '::'].includes(bound.host) || bound.host.startsWith('127.') || bound.host === '::1' ? nodeIP : bound.host;
      await ensureKubeDnsService(ctx.catalog, { serviceIP, nodeIP: advertised, dnsPort: bound.port, metricsPort: dns.metricsPort, nodeName: ctx.config.nodeName }).catch((err) =>
        ctx.log.warn({ err }, 'could not publish the kube-dns Service'),
      );
    },
    stop() {
      dns?.stop();
    },
  };
}
