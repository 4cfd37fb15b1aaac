import { DisruptionController } from '../controllers/disruption/disruption-controller.js';
import { schedulerComponent } from '../scheduler/component.js';
import { simulatedNodesComponent } from '../simulator/component.js';
import type { ServerComponent } from './component.js';
import { controllerComponent } from './components.js';
import type { ServerConfig } from './config.js';
import { podAdmissionComponent } from './pod-admission.js';
import { podSubresourcesComponent } from './pod-subresources.js';

/**
 * Pods' way to nodes: admission (priority, default tolerations), pods/binding and
 * pods/eviction, the disruption controller, the scheduler, and simulated nodes when asked for.
 */
export function schedulingComponents(config: ServerConfig): ServerComponent[] {
  return [
    podAdmissionComponent(config),
    podSubresourcesComponent(),
    controllerComponent('disruption-controller', (c) => new DisruptionController(c.catalog, c.log, c.clock)),
    schedulerComponent(),
    simulatedNodesComponent(),
  ];
}
