import { DeploymentController } from '../controllers/deployment/deployment-controller.js';
import { EndpointsController } from '../controllers/endpoints/endpoints-controller.js';
import { EndpointSliceController } from '../controllers/endpointslice/endpointslice-controller.js';
import { PodGCController } from '../controllers/podgc/podgc-controller.js';
import { ReplicaSetController } from '../controllers/replicaset/replica-set-controller.js';
import { replicaSetKind, replicationControllerKind } from '../controllers/replicaset/replicated-kind.js';
import type { ServerComponent } from './component.js';
import type { ServerConfig } from './config.js';
import { leaderElectedController } from './leader-elected-component.js';

/**
 * The workload controllers of kube-controller-manager, under its names (each can be turned
 * off with `--disable <name>`), running under the controller-manager Lease.
 */
export function workloadComponents(_config: ServerConfig): ServerComponent[] {
  return [
    leaderElectedController('replicaset-controller', (c) => new ReplicaSetController(c.catalog, replicaSetKind, c.clock, c.log)),
    leaderElectedController('replicationcontroller-controller', (c) => new ReplicaSetController(c.catalog, replicationControllerKind, c.clock, c.log)),
    leaderElectedController('deployment-controller', (c) => new DeploymentController(c.catalog, c.clock, c.log)),
    leaderElectedController('endpoints-controller', (c) => new EndpointsController(c.catalog, c.log)),
    leaderElectedController('endpointslice-controller', (c) => new EndpointSliceController(c.catalog, c.clock, c.log)),
    leaderElectedController('pod-garbage-collector-controller', (c) => new PodGCController(c.catalog, c.clock, c.log)),
  ];
}
