/** `k8ts server` settings; flag names follow k3s where one exists. */
export interface ServerConfig {
  /** State, certificates and the kubeconfig live here. */
  dataDir: string;
  httpsListenPort: number;
  bindAddress: string;
  /** Where the admin kubeconfig is written (default `<dataDir>/kubeconfig.yaml`). */
  writeKubeconfig?: string;
  /** Empty: SQLite in the data dir; `http://host:2379[,…]`: etcd v3. */
  datastoreEndpoint: string;
  serviceCidr: string;
  clusterCidr: string;
  clusterDns?: string;
  /** Extra names and IPs for the serving certificate (k3s --tls-san). */
  tlsSan: string[];
  disableAgent: boolean;
  /** Components switched off (`--disable ingress`, …). */
  disable: string[];
  nodeName?: string;
  /** Cluster DNS and Ingress settings (`--cluster-dns-listen`, `--ingress-http-port`, …). */
  networkServices?: import('../network/services-config.js').NetworkServicesConfig;
  /** Join token agents present (k3s --token); default: the one in `<dataDir>/token`, created at first start. */
  token?: string;
  /** Settings of the embedded node agent (runtime, cgroup root, kubelet port, …). */
  agent?: Partial<import('../agent/config.js').AgentFlags>;
  /** Simulated nodes registered by the server itself (like kwok): 0 for none. */
  simulateNodes?: number;
  /** Settings of those nodes (capacity, labels, taints, name prefix, heartbeat). */
  simulatedNodes?: import('../simulator/node-template.js').SimulatedNodeOptions;
  /** kube-controller-manager --node-monitor-grace-period: a node whose Lease is older goes Unknown. */
  nodeMonitorGracePeriodMs?: number;
  /** kube-controller-manager --node-monitor-period: how often node health is checked. */
  nodeMonitorPeriodMs?: number;
  /** kube-apiserver --default-not-ready-toleration-seconds. */
  defaultNotReadyTolerationSeconds?: number;
  /** kube-apiserver --default-unreachable-toleration-seconds. */
  defaultUnreachableTolerationSeconds?: number;
}

export const defaultServerConfig: ServerConfig = {
  dataDir: '/var/lib/k8ts',
  httpsListenPort: 6443,
  bindAddress: '0.0.0.0',
  datastoreEndpoint: '',
  serviceCidr: '10.43.0.0/16',
  clusterCidr: '10.42.0.0/16',
  tlsSan: [],
  disableAgent: false,
  disable: [],
};
