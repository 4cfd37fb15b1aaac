import { DeploymentController } from '../controllers/deployment/deployment-controller.js';
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
  ];
}
