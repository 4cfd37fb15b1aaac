import { DisruptionController } from '../controllers/disruption/disruption-controller.js';
import { NodeLifecycleController } from '../controllers/nodelifecycle/node-lifecycle-controller.js';
import { TaintEvictionController } from '../controllers/nodelifecycle/taint-eviction-controller.js';
import { schedulerRunnable } from '../scheduler/component.js';
import { simulatedNodesComponent } from '../simulator/component.js';
import type { ServerComponent } from './component.js';
import type { ServerConfig } from './config.js';
import { leaderElectedController } from './leader-elected-component.js';
import { podAdmissionComponent } from './pod-admission.js';
import { serviceAccountAdmissionComponent } from './service-account-admission.js';
import { podSubresourcesComponent } from './pod-subresources.js';

/**
 * Pods' way to nodes: admission (priority, default tolerations), pods/binding and
 * pods/eviction (on every server), then — on the server that leads when several share a
 * datastore — the disruption controller, the scheduler and node lifecycle (health, taints,
 * taint-based eviction); and simulated nodes when asked for.
 */
export function schedulingComponents(config: ServerConfig): ServerComponent[] {
  return [
    podAdmissionComponent(config),
    serviceAccountAdmissionComponent(),
    podSubresourcesComponent(),
    leaderElectedController('disruption-controller', (c) => new DisruptionController(c.catalog, c.log, c.clock)),
    leaderElectedController('scheduler', (c) => schedulerRunnable(c)),
    leaderElectedController('node-lifecycle-controller', (c) =>
      new NodeLifecycleController(c.catalog, c.log, c.clock, {
        gracePeriodMs: config.nodeMonitorGracePeriodMs ?? 40_000,
        monitorPeriodMs: config.nodeMonitorPeriodMs ?? 5000,
      }),
    ),
    leaderElectedController('taint-eviction-controller', (c) => new TaintEvictionController(c.catalog, c.log, c.clock)),
    simulatedNodesComponent(),
  ];
}
