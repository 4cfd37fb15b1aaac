// One k8ts node for end-to-end tests: a real `k8ts server` with its embedded agent running
// busybox pods under runc, the image in a real registry, the real kubectl, and a stop() that
// leaves nothing behind (containers, mounts, netns, cgroups, the registry, the data dir).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetNode } from '../../src/agent/reset/reset.js';
import { claimTestResources, reapStaleTestEnvs } from '../../src/agent/runtime/test-support.js';
import { startK8ts, type TestServer } from './k8ts-server.js';
import { Kubectl } from './kubectl.js';
import { startRegistry, type TestRegistry } from './registry.js';
import { buildBusyboxImage, pushImage } from './test-images.js';
import { runCleanup, waitFor } from './wait-for.js';

type Claim = ReturnType<typeof claimTestResources>;

/** A real registry with the busybox test image pushed as `k8ts/busybox:test`. */
export interface BusyboxRegistry {
  registry: TestRegistry;
  /** `<registry host>/k8ts/busybox:test` */
  image: string;
}

/**
 * Starts a registry, records it in `claim` (so a later run reaps it if this one is killed)
 * and pushes the busybox image.
 *
 * @example
 * const { registry, image } = await startBusyboxRegistry(claim);
 */
export async function startBusyboxRegistry(claim: Claim): Promise<BusyboxRegistry> {
  const registry = await startRegistry();
  claim.addProcess(registry.pid, 'docker-registry');
  await pushImage(registry.url, 'k8ts/busybox', 'test', await buildBusyboxImage());
  return { registry, image: `${registry.host}/k8ts/busybox:test` };
}

export interface AgentNodeOptions {
  /**
   * The unique part of every name (include a random tag): node `k8ts-<name>`, cgroup root
   * `/k8ts-<name>`, runtime root `/run/k8ts-<name>`, data dir `<tmp>/k8ts-<name>-*`.
   */
  name: string;
  /** More `k8ts server` flags, after the node's own. */
  extraArgs?: string[];
  /** Use this registry and image (another node's, which stops it) instead of starting one. */
  images?: BusyboxRegistry;
  /** Runs once the registry is up, before the server starts: files the server reads at start-up (registries.yaml), more images. */
  beforeStart?: (node: AgentNode) => Promise<void>;
}

/**
 * A node being started or running. Create it with {@link startAgentNode}; `server` and `k`
 * change on {@link AgentNode.restart}.
 */
export class AgentNode {
  readonly nodeName: string;
  readonly cgroupRoot: string;
  readonly runtimeRoot: string;
  readonly dataDir: string;
  registry!: TestRegistry;
  image!: string;
  server!: TestServer;
  k!: Kubectl;
  private readonly claim: Claim;
  private ownRegistry: TestRegistry | undefined;
  private stopped = false;

  constructor(private readonly opts: AgentNodeOptions) {
    this.nodeName = `k8ts-${opts.name}`;
    this.cgroupRoot = `/k8ts-${opts.name}`;
    this.runtimeRoot = `/run/k8ts-${opts.name}`;
    this.dataDir = mkdtempSync(join(tmpdir(), `k8ts-${opts.name}-`));
    this.claim = claimTestResources({ dir: this.dataDir, root: this.runtimeRoot, cgroupRoot: this.cgroupRoot, podsDir: join(this.dataDir, 'agent', 'pods') }, opts.name);
  }

  /** The flags that make this node: name, loopback IP, ephemeral kubelet port, own cgroup and runtime roots. */
  get nodeArgs(): string[] {
    return ['--node-name', this.nodeName, '--node-ip', '127.0.0.1', '--kubelet-port', '0', '--cgroup-root', this.cgroupRoot, '--runtime-root', this.runtimeRoot];
  }

  /** Starts the registry (unless shared) and the server, and waits until the node is Ready. */
  async start(): Promise<void> {
    if (this.opts.images) {
      ({ registry: this.registry, image: this.image } = this.opts.images);
    } else {
      const images = await startBusyboxRegistry(this.claim);
      this.ownRegistry = images.registry;
      ({ registry: this.registry, image: this.image } = images);
    }
    await this.opts.beforeStart?.(this);
    await this.restart();
    await waitFor(`node ${this.nodeName} Ready`, async () => (await this.k.ok(['get', 'node', this.nodeName, '--no-headers'])).split(/\s+/)[1] === 'Ready');
  }

  /** Starts the server again on the same data dir and flags (stop or kill9 the old one first). */
  async restart(): Promise<void> {
    this.server = await startK8ts({ dataDir: this.dataDir, agent: true, extraArgs: [...this.nodeArgs, ...(this.opts.extraArgs ?? [])] });
    this.k = new Kubectl('1.33', this.server.kubeconfig);
  }

  /** A pod as the API returns it, or undefined while it does not exist. */
  async pod(name: string, namespace = 'default'): Promise<Record<string, any> | undefined> {
    const r = await this.server.request('GET', `/api/v1/namespaces/${namespace}/pods/${name}`);
    return r.status === 200 ? JSON.parse(r.body) : undefined;
  }

  /** `kubectl apply -f -` of one object. */
  async apply(obj: Record<string, unknown>): Promise<void> {
    await this.k.ok(['apply', '-f', '-'], { input: JSON.stringify(obj) });
  }

  /** `kubectl apply` of a Pod given without apiVersion and kind. */
  applyPod(pod: Record<string, unknown>): Promise<void> {
    return this.apply({ apiVersion: 'v1', kind: 'Pod', ...pod });
  }

  /** Waits until the pod is Running (with `ready`, also every container ready) and returns it. */
  running(name: string, opts: { ready?: boolean } = {}): Promise<Record<string, any>> {
    return waitFor(`${name} Running`, async () => {
      const p = await this.pod(name);
      const ready = !opts.ready || ((p?.status?.containerStatuses ?? []) as { ready: boolean }[]).every((c) => c.ready);
      return p?.status?.phase === 'Running' && ready ? p : undefined;
    });
  }

  /**
   * Stops the server, resets the node (`k8ts reset`: containers, mounts, netns, cgroups and
   * the data dir), stops its own registry and releases its claim; every step runs even when
   * an earlier one failed, and also when start() failed half-way. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await runCleanup([
      () => this.server?.stop(),
      () => resetNode({ dataDir: this.dataDir, removeData: true }),
      () => this.ownRegistry?.stop(),
      () => this.claim.release(),
    ]);
  }
}

/**
 * Reaps what killed earlier test runs left, then starts a node; if starting fails, what was
 * made is removed before the error is thrown.
 *
 * @example
 * let n: AgentNode;
 * before(async () => (n = await startAgentNode({ name: `e2e-${tag}` })));
 * after(() => n?.stop());
 * test('runs', async () => {
 *   await n.applyPod({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: n.image, command: ['sleep', '3600'] }] } });
 *   assert.equal((await n.running('p')).status.phase, 'Running');
 * });
 */
export async function startAgentNode(opts: AgentNodeOptions): Promise<AgentNode> {
  await reapStaleTestEnvs();
  const node = new AgentNode(opts);
  try {
    await node.start();
  } catch (err) {
    await node.stop();
    throw err;
  }
  return node;
}
