import { availableParallelism } from 'node:os';
import type { ServerComponent } from '../../server/component.js';
import { nodeAddresses } from '../node-address.js';
import { IngressController } from './ingress-controller.js';
import { storeIngressSources, storeIngressWriter } from './ingress-sources.js';

export interface IngressComponentOptions {
  /** Default 80. */
  httpPort?: number;
  /** Default 443. */
  httpsPort?: number;
  /** Proxy worker processes; `auto` (default): one per core up to 4, none on a single core. */
  workers?: number | 'auto';
}

/** The worker count `auto` stands for on this machine. */
export function autoWorkers(): number {
  const cores = availableParallelism();
  return cores > 1 ? Math.min(cores, 4) : 0;
}

/**
 * The Ingress controller inside `k8ts server` (`--disable ingress` turns it off). It starts in
 * the background, like k3s's packaged ingress, so the API server's readiness does not wait
 * for it (its RSA default certificate takes a moment to generate); it logs
 * `ingress controller serving` with its ports once listening. Ports that cannot be bound
 * (taken, or no privilege for 80/443) are logged, not fatal.
 */
export function ingressComponent(opts: IngressComponentOptions = {}): ServerComponent {
  let controller: IngressController | undefined;
  return {
    name: 'ingress',
    async start(ctx) {
      const c = new IngressController({
        sources: storeIngressSources(ctx.catalog),
        writer: storeIngressWriter(ctx.catalog),
        httpPort: opts.httpPort ?? 80,
        httpsPort: opts.httpsPort ?? 443,
        addresses: nodeAddresses(),
        workers: opts.workers === undefined || opts.workers === 'auto' ? autoWorkers() : opts.workers,
        log: ctx.log.child({ component: 'ingress' }),
      });
      controller = c;
      c.start().catch(async (err: unknown) => {
        controller = undefined;
        await c.stop();
        ctx.log.warn({ err }, 'ingress controller could not start; continuing without it');
      });
    },
    async stop() {
      await controller?.stop();
    },
  };
}
