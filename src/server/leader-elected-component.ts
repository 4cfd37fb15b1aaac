import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { ResourceCatalog } from '../apiserver/registry/catalog.js';
import { LeaderElector } from '../client/leader-election.js';
import { catalogLeaseLock } from '../client/lease-lock.js';
import type { Logger } from '../util/log.js';
import type { ComponentContext, ServerComponent } from './component.js';

/** A controller as components start and stop it. */
interface Runnable {
  start(): Promise<void>;
  stop(): void;
}

interface Member {
  name: string;
  make(): Runnable;
  running?: Runnable;
}

/** The lease kube-controller-manager holds; k8ts servers sharing a datastore compete for it. */
export const controllerManagerLease = { namespace: 'kube-system', name: 'kube-controller-manager' };

/**
 * The controllers of one server that run only while it leads. With a shared (etcd) datastore
 * they run under one Lease, as kube-controller-manager's do; with the embedded store the
 * server is alone and leads from the start.
 */
class ElectionGroup {
  private readonly members = new Set<Member>();
  private elector?: LeaderElector;
  private leading = false;

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly elected: boolean,
    private readonly identity: string,
    private readonly log: Logger,
  ) {}

  async join(m: Member): Promise<void> {
    this.members.add(m);
    if (!this.elected) this.leading = true;
    else if (!this.elector) {
      this.elector = new LeaderElector({
        lock: catalogLeaseLock(this.catalog, controllerManagerLease.namespace, controllerManagerLease.name),
        identity: this.identity,
        log: this.log,
        onStartedLeading: () => this.startAll(),
        onStoppedLeading: () => this.stopAll(),
      });
      // One round now: a free lease (or our own, after a restart) means the controllers start
      // before the server says it is ready, as with the embedded store.
      await this.elector.tick();
      this.elector.run({ firstTickNow: false });
      return;
    }
    if (this.leading) await this.startOne(m);
  }

  async leave(m: Member): Promise<void> {
    this.stopOne(m);
    this.members.delete(m);
    if (this.members.size === 0 && this.elector) {
      const e = this.elector;
      this.elector = undefined;
      await e.stop();
    }
  }

  private async startOne(m: Member): Promise<void> {
    if (m.running) return;
    const r = m.make();
    await r.start();
    m.running = r;
  }

  private stopOne(m: Member): void {
    m.running?.stop();
    m.running = undefined;
  }

  private async startAll(): Promise<void> {
    this.leading = true;
    for (const m of this.members) {
      await this.startOne(m).catch((err) => this.log.error({ err, component: m.name }, 'controller failed to start'));
    }
  }

  private stopAll(): void {
    this.leading = false;
    for (const m of this.members) this.stopOne(m);
  }
}

const groups = new WeakMap<ResourceCatalog, ElectionGroup>();

/**
 * `<hostname>_<uuid-shaped hash of the data dir>`: unique per server like Kubernetes'
 * `<hostname>_<random uuid>`, but stable across restarts, so a server that comes back (after a
 * crash, say) takes its own lease back at once instead of waiting for it to expire.
 */
export function serverIdentity(dataDir: string): string {
  const h = createHash('sha256').update(resolve(dataDir)).digest('hex');
  return `${hostname()}_${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function groupFor(ctx: ComponentContext): ElectionGroup {
  let g = groups.get(ctx.catalog);
  if (!g) {
    // Only a datastore other servers can share needs an election.
    const shared = /^https?:\/\//.test(ctx.config.datastoreEndpoint);
    g = new ElectionGroup(ctx.catalog, shared, serverIdentity(ctx.config.dataDir), ctx.log);
    groups.set(ctx.catalog, g);
  }
  return g;
}

/**
 * A controller component that runs only on the server holding the controller-manager Lease
 * (`kube-system/kube-controller-manager`) when servers share an etcd datastore, and always
 * with the embedded one. Losing the lease stops it; regaining it starts a fresh one.
 *
 * @example
 * leaderElectedController('deployment-controller', (c) => new DeploymentController(c.catalog, c.clock, c.log))
 */
export function leaderElectedController(name: string, make: (ctx: ComponentContext) => Runnable): ServerComponent {
  let member: Member | undefined;
  let group: ElectionGroup | undefined;
  return {
    name,
    async start(ctx) {
      group = groupFor(ctx);
      member = { name, make: () => make(ctx) };
      await group.join(member);
    },
    async stop() {
      if (group && member) await group.leave(member);
    },
  };
}
