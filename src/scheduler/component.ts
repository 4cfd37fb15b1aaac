import { sharedInformers } from '../client/informer-factory.js';
import { EventRecorder } from '../client/event-recorder.js';
import type { ServerComponent } from '../server/component.js';
import { catalogSchedulerApi } from './catalog-api.js';
import { Scheduler } from './scheduler.js';

/**
 * The scheduler inside `k8ts server` (`--disable scheduler` turns it off, e.g. to run another
 * scheduler). Serves the `default-scheduler` profile.
 */
export function schedulerComponent(): ServerComponent {
  let scheduler: Scheduler | undefined;
  return {
    name: 'scheduler',
    async start(ctx) {
      const log = ctx.log.child({ component: 'scheduler' });
      const events = new EventRecorder(ctx.catalog, { component: 'default-scheduler' }, ctx.clock, log);
      scheduler = new Scheduler({
        informers: sharedInformers(ctx.catalog, log),
        api: catalogSchedulerApi(ctx.catalog, ctx.store, ctx.clock),
        events,
        clock: ctx.clock,
        log,
      });
      await scheduler.start();
    },
    stop: () => scheduler?.stop(),
  };
}
