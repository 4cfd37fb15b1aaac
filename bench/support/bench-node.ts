// One real node for a benchmark: `k8ts server` with its embedded agent, the busybox image in
// a real registry, a RestClient; stop() resets the node and removes everything.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetNode } from '../../src/agent/reset/reset.js';
import { RestClient, restConfigFromKubeconfig } from '../../src/client/rest-client.js';
import { startK8ts, type TestServer } from '../../test/support/k8ts-server.js';
import { startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { buildBusyboxImage, pushImage } from '../../test/support/test-images.js';

export interface BenchNode {
  nodeName: string;
  cgroupRoot: string;
  runtimeRoot: string;
  /** The server's data dir (its agent's under `agent/`). */
  dataDir: string;
  registry: TestRegistry;
  /** `<registry>/k8ts/busybox:bench` */
  image: string;
  server: TestServer;
  client: RestClient;
  /** Stops the server, resets the node (`k8ts reset`), stops the registry, removes the work dir. */
  stop(): Promise<void>;
}

/**
 * Starts a node named `k8ts-<name>` (cgroup root `/k8ts-<name>`, runtime root
 * `/run/k8ts-<name>`; include a random tag in `name`) and pushes the busybox image.
 *
 * @example
 * const n = await startBenchNode(`bench-top-${tag}`);
 * try {
 *   await n.client.create('/api/v1/namespaces/default/pods', podBody(n.image));
 * } finally {
 *   await n.stop();
 * }
 */
export async function startBenchNode(name: string): Promise<BenchNode> {
  const nodeName = `k8ts-${name}`;
  const cgroupRoot = `/k8ts-${name}`;
  const runtimeRoot = `/run/k8ts-${name}`;
  const work = mkdtempSync(join(tmpdir(), `k8ts-${name}-`));
  const dataDir = join(work, 'server');
  const registry = await startRegistry();
  let server: TestServer | undefined;
  let client: RestClient | undefined;
  const stop = async () => {
    client?.close();
    await server?.stop().catch(() => undefined);
    await resetNode({ dataDir, removeData: true }).catch((err) => console.error('reset failed', err));
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    server = await startK8ts({ dataDir, agent: true, extraArgs: ['--node-name', nodeName, '--node-ip', '127.0.0.1', '--kubelet-port', '0', '--cgroup-root', cgroupRoot, '--runtime-root', runtimeRoot] });
    await pushImage(registry.url, 'k8ts/busybox', 'bench', await buildBusyboxImage());
  } catch (err) {
    await stop();
    throw err;
  }
  client = new RestClient(restConfigFromKubeconfig(server.kubeconfig));
  return { nodeName, cgroupRoot, runtimeRoot, dataDir, registry, image: `${registry.host}/k8ts/busybox:bench`, server, client, stop };
}
