/** Settings of the cluster DNS and Ingress components that `k8ts server` runs. */
export interface NetworkServicesConfig {
  /** The cluster domain DNS serves (k3s `--cluster-domain`, default `cluster.local`). */
  clusterDomain?: string;
  /** `ip:port` the cluster DNS listens on (default: the node's primary IP, port 53). */
  clusterDnsListen?: string;
  /** Ingress HTTP port (default 80). */
  ingressHttpPort?: number;
  /** Ingress HTTPS port (default 443). */
  ingressHttpsPort?: number;
  /** Ingress proxy worker processes (default `auto`: one per core up to 4, none on one core). */
  ingressWorkers?: number | 'auto';
}
