import type { KubeObject } from '../../api/types.js';
import { Informer, objectKey, splitKey } from '../../client/informer.js';
import { WorkQueue } from '../../controllers/workqueue.js';
import type { Logger } from '../../util/log.js';
import type { ServiceLookup } from './backends.js';
import { fakeCertificate } from './fake-certificate.js';
import { isOwnIngress, k8tsIngressClass } from './ingress-class.js';
import { IngressProxy } from './ingress-proxy.js';
import { ProxyWorkers } from './proxy-workers.js';
import { collectSnapshot } from './route-snapshot.js';
import type { IngressSources, IngressWriter } from './ingress-sources.js';
import { buildRouteTable, type RouteTable } from './route-table.js';
import { TlsStore } from './tls-store.js';

export interface IngressControllerOptions {
  sources: IngressSources;
  writer: IngressWriter;
  /** Default 80 and 443; 0 picks free ports (tests). */
  httpPort?: number;
  httpsPort?: number;
  /** Listen address (default all interfaces). */
  host?: string;
  /** Published in `status.loadBalancer.ingress` (the node's IPs). */
  addresses: string[];
  /** Proxy worker processes; 0 (default) proxies in this process. */
  workers?: number;
  log?: Logger;
}

/**
 * The built-in Ingress controller: keeps the `k8ts` IngressClass, watches Ingresses,
 * IngressClasses, Services, EndpointSlices and Secrets, rebuilds the routing table on every
 * change (coalesced to one rebuild per turn of the event loop), serves it on the node's HTTP
 * and HTTPS ports, and reconciles each owned Ingress's `status.loadBalancer` through a work
 * queue.
 *
 * @example
 * const ctl = new IngressController({ sources: storeIngressSources(catalog), writer: storeIngressWriter(catalog), addresses: ['192.0.2.10'] });
 * await ctl.start();
 */
export class IngressController {
  private readonly ingresses: Informer;
  private readonly classes: Informer;
  private readonly services: Informer;
  private readonly slices: Informer;
  private readonly secrets: Informer;
  private readonly queue = new WorkQueue();
  private proxy?: IngressProxy;
  private workers?: ProxyWorkers;
  private tls?: TlsStore;
  private rebuildPending = false;
  private stopped = false;
  private table?: RouteTable;

  constructor(private readonly opts: IngressControllerOptions) {
    const log = opts.log;
    this.ingresses = new Informer(opts.sources.ingresses, log);
    this.classes = new Informer(opts.sources.ingressClasses, log);
    this.services = new Informer(opts.sources.services, log);
    this.slices = new Informer(opts.sources.endpointSlices, log);
    this.secrets = new Informer(opts.sources.secrets, log);
    this.slices.addIndex('service', (s) => {
      const svc = s.metadata.labels?.['kubernetes.io/service-name'];
      return svc ? [`${s.metadata.namespace}/${svc}`] : [];
    });
    const changed = { add: () => this.scheduleRebuild(), update: () => this.scheduleRebuild(), delete: () => this.scheduleRebuild() };
    for (const inf of [this.ingresses, this.classes, this.services, this.slices, this.secrets]) inf.on(changed);
  }

  /** Ports actually bound. */
  get ports(): { http: number; https: number } {
    return this.workers?.boundPorts ?? this.proxy?.boundPorts ?? { http: 0, https: 0 };
  }

  /** The table being served (for tests and diagnostics). */
  get routes(): RouteTable | undefined {
    return this.table;
  }

  async start(): Promise<void> {
    await this.opts.writer.ensureIngressClass(k8tsIngressClass());
    await Promise.all([this.ingresses, this.classes, this.services, this.slices, this.secrets].map((i) => i.start()));
    const defaultCert = await fakeCertificate();
    if (this.stopped) return;
    if (this.opts.workers) {
      const workers = new ProxyWorkers({ count: this.opts.workers, host: this.opts.host, httpPort: this.opts.httpPort ?? 80, httpsPort: this.opts.httpsPort ?? 443, defaultCert, log: this.opts.log });
      this.workers = workers;
      this.rebuild();
      await workers.listen();
      if (this.stopped) return void (await workers.close());
    } else {
      this.tls = new TlsStore(defaultCert, this.opts.log);
      const proxy = new IngressProxy({ host: this.opts.host, httpPort: this.opts.httpPort ?? 80, httpsPort: this.opts.httpsPort ?? 443, tls: this.tls, log: this.opts.log });
      this.proxy = proxy;
      this.rebuild();
      await proxy.listen();
      // Stopped while binding: stop() may have missed the listeners.
      if (this.stopped) return void (await proxy.close());
    }
    void this.queue.run(1, (key) => this.reconcileStatus(key), (key, err) => this.opts.log?.warn({ err, ingress: key }, 'ingress status update failed'));
    this.opts.log?.info({ ports: this.ports, workers: this.opts.workers ?? 0 }, 'ingress controller serving');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.shutDown();
    for (const inf of [this.ingresses, this.classes, this.services, this.slices, this.secrets]) inf.stop();
    await this.proxy?.close();
    await this.workers?.close();
  }

  private scheduleRebuild(): void {
    if (this.rebuildPending || !(this.proxy || this.workers)) return;
    this.rebuildPending = true;
    setImmediate(() => {
      this.rebuildPending = false;
      this.rebuild();
    });
  }

  private owned(): KubeObject[] {
    const all = this.classes.list();
    return this.ingresses.list().filter((ing) => isOwnIngress(ing, (n) => this.classes.get(n), all));
  }

  private rebuild(): void {
    const lookup: ServiceLookup = {
      service: (ns, name) => this.services.get(`${ns}/${name}`),
      slices: (ns, name) => this.slices.byIndex('service', `${ns}/${name}`),
    };
    const owned = this.owned();
    if (this.workers) {
      this.workers.publish(collectSnapshot(owned, lookup, (key) => this.secrets.get(key)));
    } else {
      const table = buildRouteTable(owned, lookup);
      this.tls!.update(table, (key) => this.secrets.get(key));
      this.proxy!.setTable(table);
      this.table = table;
    }
    for (const ing of owned) this.queue.add(objectKey(ing));
  }

  /** Sets the node addresses on an owned Ingress whose status lacks them. */
  private async reconcileStatus(key: string): Promise<void> {
    const ing = this.ingresses.get(key);
    if (!ing || !isOwnIngress(ing, (n) => this.classes.get(n), this.classes.list())) return;
    const want = this.opts.addresses.map((ip) => ({ ip }));
    const have = ((ing.status as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer?.ingress ?? []).map((i) => ({ ip: i.ip ?? '' }));
    if (JSON.stringify(have) === JSON.stringify(want)) return;
    const { namespace, name } = splitKey(key);
    await this.opts.writer.setLoadBalancer(namespace!, name, want);
  }
}
