import { GarbageCollector } from '../controllers/garbage-collector/garbage-collector.js';
import { NamespaceController } from '../controllers/namespace/namespace-controller.js';
import { defaultServiceAccountController, rootCaPublisher } from '../controllers/serviceaccount/default-service-account.js';
import { NodeIpamController } from '../controllers/nodeipam/node-ipam-controller.js';
import { catalogNetworkApi } from '../network/cluster-api.js';
import { ServiceLoadBalancerController } from '../network/proxy/service-lb.js';
import { nodeNetworkRbacComponent } from '../network/node-network-rbac.js';
import { dnsComponent } from '../network/dns/dns-component.js';
import { ingressComponent } from '../network/ingress/ingress-component.js';
import type { ServerComponent } from './component.js';
import { nodeComponents } from '../agent/components.js';
import { podStreamingComponent } from './pod-streaming.js';
import { metricsApiComponent } from './metrics/metrics-component.js';
import { schedulingComponents } from './scheduling-components.js';
import { workloadComponents } from './workload-components.js';
import { leaderElectedController } from './leader-elected-component.js';
import type { ServerConfig } from './config.js';

/**
 * Wraps a controller (something with start/stop) into a component. Like every
 * kube-controller-manager controller it runs under the controller-manager Lease: always with
 * the embedded store, only on the leading server when several share etcd.
 */
export function controllerComponent(name: string, make: (ctx: Parameters<NonNullable<ServerComponent['start']>>[0]) => { start(): Promise<void>; stop(): void }): ServerComponent {
  return leaderElectedController(name, make);
}

/**
 * The components `k8ts server` runs, in start order. Each later piece (scheduler, workload
 * controllers, the embedded agent, networking) adds itself here.
 */
export function builtinComponents(_config: ServerConfig): ServerComponent[] {
  return [
    controllerComponent('namespace-controller', (c) => new NamespaceController(c.catalog, c.log)),
    controllerComponent('garbage-collector', (c) => new GarbageCollector(c.catalog, c.log)),
    controllerComponent('serviceaccount-controller', (c) => defaultServiceAccountController(c.catalog, c.log)),
    controllerComponent('root-ca-cert-publisher', (c) => rootCaPublisher(c.catalog, c.pki.caCertPem, c.log)),
    controllerComponent('nodeipam', (c) => new NodeIpamController(c.catalog, c.store, { clusterCidr: c.config.clusterCidr }, c.log)),
    controllerComponent('servicelb', (c) => new ServiceLoadBalancerController(catalogNetworkApi(c.catalog), c.log)),
    dnsComponent({ listen: _config.networkServices?.clusterDnsListen, clusterDomain: _config.networkServices?.clusterDomain }),
    ingressComponent({ httpPort: _config.networkServices?.ingressHttpPort, httpsPort: _config.networkServices?.ingressHttpsPort, workers: _config.networkServices?.ingressWorkers }),
    nodeNetworkRbacComponent(),
    ...schedulingComponents(_config),
    ...workloadComponents(_config),
    podStreamingComponent(),
    metricsApiComponent(),
    ...nodeComponents(_config),
  ];
}
