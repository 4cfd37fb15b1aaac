import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../util/log.js';
import type { RouteSnapshot } from './route-snapshot.js';

/** Controller → worker messages. */
export type ToWorker =
  | { kind: 'init'; host?: string; httpPort: number; httpsPort: number; defaultCert: { certPem: string; keyPem: string } }
  | { kind: 'snapshot'; snapshot: RouteSnapshot };

/** Worker → controller messages. */
export type FromWorker = { kind: 'loaded' } | { kind: 'listening'; ports: { http: number; https: number } } | { kind: 'failed'; message: string };

const workerScript = fileURLToPath(new URL('./proxy-worker.js', import.meta.url));

export interface ProxyWorkersOptions {
  count: number;
  host?: string;
  httpPort: number;
  httpsPort: number;
  defaultCert: { certPem: string; keyPem: string };
  log?: Logger;
}

/**
 * The Ingress data plane spread over several processes, like nginx's workers: each worker
 * accepts on the same listening sockets (the cluster module's shared-handle mode, so the
 * kernel spreads connections and the controller process never touches traffic) and routes
 * from the snapshots published here. A worker that dies is replaced and given the latest
 * snapshot.
 */
export class ProxyWorkers {
  private readonly workers = new Set<Worker>();
  private snapshot?: RouteSnapshot;
  private stopping = false;
  private ports = { http: 0, https: 0 };

  constructor(private readonly opts: ProxyWorkersOptions) {}

  get boundPorts(): { http: number; https: number } {
    return this.ports;
  }

  async listen(): Promise<{ http: number; https: number }> {
    // Shared handles: workers accept directly instead of the primary handing out sockets.
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    cluster.setupPrimary({ exec: workerScript, execArgv: [], args: [], silent: false });
    const started = await Promise.all(Array.from({ length: this.opts.count }, () => this.spawn()));
    this.ports = started[0]!;
    return this.ports;
  }

  /** Sends the routing inputs to every worker (and to workers started later). */
  publish(snapshot: RouteSnapshot): void {
    this.snapshot = snapshot;
    for (const w of this.workers) if (w.isConnected()) w.send({ kind: 'snapshot', snapshot } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.workers].map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            w.once('exit', () => resolve());
            w.kill('SIGTERM');
          }),
      ),
    );
    this.workers.clear();
  }

  private spawn(): Promise<{ http: number; https: number }> {
    const worker = cluster.fork({ K8TS_LOG_LEVEL: process.env.K8TS_LOG_LEVEL ?? 'info' });
    this.workers.add(worker);
    // A message to a worker that is dying fails later with EPIPE on this emitter: its exit
    // handler below replaces it, and the server must not go down with it.
    worker.on('error', (err) => this.opts.log?.warn({ err }, 'ingress proxy worker unreachable'));
    return new Promise((resolve, reject) => {
      worker.on('message', (msg: FromWorker) => {
        if (msg.kind === 'loaded') {
          // Always the requested ports: the cluster module shares one handle per requested
          // address and port (port 0 included), so a replacement joins the same sockets.
          worker.send({ kind: 'init', host: this.opts.host, httpPort: this.opts.httpPort, httpsPort: this.opts.httpsPort, defaultCert: this.opts.defaultCert } satisfies ToWorker);
        } else if (msg.kind === 'listening') {
          if (this.snapshot) worker.send({ kind: 'snapshot', snapshot: this.snapshot } satisfies ToWorker);
          resolve(msg.ports);
        } else if (msg.kind === 'failed') reject(new Error(msg.message));
      });
      worker.on('exit', (code, signal) => {
        this.workers.delete(worker);
        reject(new Error(`ingress worker exited (${signal ?? code}) before listening`));
        if (this.stopping) return;
        this.opts.log?.warn({ code, signal }, 'ingress proxy worker exited; starting another');
        // A second's pause keeps a worker that dies at once from spinning.
        setTimeout(() => {
          if (!this.stopping) this.spawn().catch((err) => this.opts.log?.error({ err }, 'could not restart an ingress proxy worker'));
        }, 1000).unref();
      });
    });
  }
}
