import { sharedInformers } from '../client/informer-factory.js';
import { EventRecorder } from '../client/event-recorder.js';
import type { ComponentContext } from '../server/component.js';
import { catalogSchedulerApi } from './catalog-api.js';
import { Scheduler } from './scheduler.js';

/**
 * The scheduler inside `k8ts server`, serving the `default-scheduler` profile, as the server
 * components run it (`--disable scheduler` turns it off, e.g. to run another scheduler).
 */
export function schedulerRunnable(ctx: ComponentContext): { start(): Promise<void>; stop(): void } {
  const log = ctx.log.child({ component: 'scheduler' });
  const scheduler = new Scheduler({
    informers: sharedInformers(ctx.catalog, log),
    api: catalogSchedulerApi(ctx.catalog, ctx.store, ctx.clock),
    events: new EventRecorder(ctx.catalog, { component: 'default-scheduler' }, ctx.clock, log),
    clock: ctx.clock,
    log,
  });
  return {
    start: () => scheduler.start(),
    stop: () => void scheduler.stop(),
  };
}
