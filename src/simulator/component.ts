import type { ServerComponent } from '../server/component.js';
import { catalogFleetApi } from './catalog-fleet-api.js';
import { SimulatedFleet } from './fleet.js';
import { defaultSimulatedNodeOptions } from './node-template.js';

/**
 * `k8ts server --simulate-nodes N`: a fleet of simulated nodes inside the server process, so
 * one process is a whole cluster for scheduler and controller tests. The server is ready only
 * once every node is registered.
 */
export function simulatedNodesComponent(): ServerComponent {
  let fleet: SimulatedFleet | undefined;
  return {
    name: 'simulated-nodes',
    async start(ctx) {
      const count = ctx.config.simulateNodes ?? 0;
      if (count <= 0) return;
      const opts = { ...defaultSimulatedNodeOptions, podCidr: ctx.config.clusterCidr, ...ctx.config.simulatedNodes };
      fleet = new SimulatedFleet(catalogFleetApi(ctx.catalog, ctx.store), count, opts, ctx.log.child({ component: 'simulated-nodes' }), ctx.clock);
      await fleet.start();
    },
    stop: () => fleet?.stop(),
  };
}
