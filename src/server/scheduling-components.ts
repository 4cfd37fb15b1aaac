import { DisruptionController } from '../controllers/disruption/disruption-controller.js';
import { NodeLifecycleController } from '../controllers/nodelifecycle/node-lifecycle-controller.js';
import { TaintEvictionController } from '../controllers/nodelifecycle/taint-eviction-controller.js';
import { schedulerComponent } from '../scheduler/component.js';
import { simulatedNodesComponent } from '../simulator/component.js';
import type { ServerComponent } from './component.js';
import { controllerComponent } from './components.js';
import type { ServerConfig } from './config.js';
import { podAdmissionComponent } from './pod-admission.js';
import { podSubresourcesComponent } from './pod-subresources.js';

/**
 * Pods' way to nodes: admission (priority, default tolerations), pods/binding and
 * pods/eviction, the disruption controller, the scheduler, node lifecycle (health, taints,
 * taint-based eviction), and simulated nodes when asked for.
 */
export function schedulingComponents(config: ServerConfig): ServerComponent[] {
  return [
    podAdmissionComponent(config),
    podSubresourcesComponent(),
    controllerComponent('disruption-controller', (c) => new DisruptionController(c.catalog, c.log, c.clock)),
    schedulerComponent(),
    controllerComponent('node-lifecycle-controller', (c) => new NodeLifecycleController(c.catalog, c.log, c.clock, {
      gracePeriodMs: config.nodeMonitorGracePeriodMs ?? 40_000,
      monitorPeriodMs: config.nodeMonitorPeriodMs ?? 5000,
    })),
    controllerComponent('taint-eviction-controller', (c) => new TaintEvictionController(c.catalog, c.log, c.clock)),
    simulatedNodesComponent(),
  ];
}
