// A node for streaming tests: real runc containers (busybox) behind the agent's real
// streaming endpoints on HTTPS, registered as a Node with a Running pod, so kubectl's exec,
// attach, port-forward and cp go API server → agent → container as in a cluster.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { issueCertificate } from '../../src/pki/certificates.js';
import { PKI_FILES } from '../../src/pki/cluster-pki.js';
import { detectCgroupLayout, podCgroupPath } from '../../src/agent/runtime/cgroups.js';
import type { SandboxConfig } from '../../src/agent/runtime/container-runtime.js';
import { OciCli } from '../../src/agent/runtime/oci-cli.js';
import { RuncRuntime } from '../../src/agent/runtime/runc-runtime.js';
import { runtimeTestEnv, type RuntimeTestEnv } from '../../src/agent/runtime/test-support.js';
import { StreamingRoutes } from '../../src/agent/server/streaming-routes.js';
import { LogAttacher } from '../../src/agent/streaming/log-attacher.js';
import { NetnsDialer } from '../../src/agent/streaming/netns-dialer.js';
import { OciExecRunner } from '../../src/agent/streaming/oci-exec-runner.js';
import { CriLabel, RuntimeTargets } from '../../src/agent/streaming/runtime-targets.js';
import type { TestServer } from './k8ts-server.js';

export interface PodSpecLite {
  name: string;
  labels?: Record<string, string>;
  containers: { name: string; args: string[] }[];
}

export interface StreamingNode {
  nodeName: string;
  runtime: RuncRuntime;
  /** Creates the pod in the API (bound to this node, Running) and runs its containers. */
  runPod(pod: PodSpecLite): Promise<{ uid: string }>;
  stop(): Promise<void>;
}

async function apiOk(server: TestServer, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await server.request(method, path, { body: body === undefined ? undefined : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.body}`);
  return JSON.parse(r.body) as Record<string, unknown>;
}

/** Starts the node's runtime and agent endpoints and registers the Node with the API server. */
export async function startStreamingNode(server: TestServer, nodeName = `k8ts-stream-${randomUUID().slice(0, 8)}`): Promise<StreamingNode> {
  const env: RuntimeTestEnv = runtimeTestEnv();
  const layout = detectCgroupLayout();
  const runtime = new RuncRuntime({ runtime: 'runc', root: env.root, stateDir: env.stateDir, cgroups: layout, exitPollMs: 50 });
  await runtime.init();
  const tlsDir = join(server.dataDir, 'tls');
  const ca = { certPem: readFileSync(join(tlsDir, PKI_FILES.caCert), 'utf8'), keyPem: readFileSync(join(tlsDir, PKI_FILES.caKey), 'utf8') };
  const serving = await issueCertificate(ca, { subject: { commonName: nodeName, organizations: [] }, usage: 'server', dnsNames: [nodeName], ips: ['127.0.0.1'], now: new Date(), days: 1 });
  const dialer = new NetnsDialer(5_000);
  const routes = new StreamingRoutes({
    targets: new RuntimeTargets(runtime),
    exec: new OciExecRunner(new OciCli('runc', env.root, layout.hybrid)),
    attach: new LogAttacher(runtime),
    ports: dialer,
  });
  const agent = https.createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    if (!routes.request(req, res)) {
      res.writeHead(404);
      res.end('not found\n');
    }
  });
  agent.on('upgrade', (req, socket, head) => {
    if (!routes.upgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((r) => agent.listen(0, '127.0.0.1', r));
  const port = (agent.address() as AddressInfo).port;

  await apiOk(server, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } });
  const node = await apiOk(server, 'GET', `/api/v1/nodes/${nodeName}`);
  await apiOk(server, 'PUT', `/api/v1/nodes/${nodeName}/status`, {
    ...node,
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: nodeName }],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test node', lastHeartbeatTime: new Date().toISOString(), lastTransitionTime: new Date().toISOString() }],
    },
  });

  const sandboxes: string[] = [];
  return {
    nodeName,
    runtime,
    async runPod(spec) {
      const created = await apiOk(server, 'POST', '/api/v1/namespaces/default/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: spec.name, ...(spec.labels ? { labels: spec.labels } : {}) },
        spec: { nodeName, containers: spec.containers.map((c) => ({ name: c.name, image: 'busybox', args: c.args })) },
      });
      const uid = (created.metadata as { uid: string }).uid;
      // Both spellings of the DNS settings, so this helper works across runtime revisions.
      const sandbox = {
        podUid: uid,
        podName: spec.name,
        namespace: 'default',
        hostname: spec.name,
        hostsFile: `127.0.0.1\tlocalhost\n127.0.0.1\t${spec.name}\n`,
        resolvConf: 'nameserver 127.0.0.1\n',
        dns: { servers: ['127.0.0.1'], searches: [], options: [] },
        cgroupParent: podCgroupPath(env.cgroupRoot, 'BestEffort', uid),
      } as unknown as SandboxConfig;
      const sb = await runtime.runSandbox(sandbox);
      sandboxes.push(sb.id);
      for (const c of spec.containers) {
        const info = await runtime.create(sb.id, {
          name: c.name,
          layers: [env.layer],
          args: c.args,
          env: ['PATH=/bin', `HOSTNAME=${spec.name}`],
          workingDir: '/',
          user: { uid: 0, gid: 0 },
          mounts: [],
          resources: {},
          security: {},
          logPath: join(env.logDir, `${spec.name}_${c.name}.log`),
          labels: { [CriLabel.podNamespace]: 'default', [CriLabel.podName]: spec.name, [CriLabel.podUid]: uid, [CriLabel.containerName]: c.name },
        });
        await runtime.start(info.id);
      }
      const current = await apiOk(server, 'GET', `/api/v1/namespaces/default/pods/${spec.name}`);
      await apiOk(server, 'PUT', `/api/v1/namespaces/default/pods/${spec.name}/status`, {
        ...current,
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: spec.containers.map((c) => ({ name: c.name, ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: new Date().toISOString() } } })),
        },
      });
      return { uid };
    },
    async stop() {
      agent.closeAllConnections();
      await new Promise<void>((r) => agent.close(() => r()));
      dialer.close();
      for (const c of await runtime.list()) {
        if (c.state.phase === 'running') await runtime.stop(c.id, 0).catch(() => undefined);
      }
      for (const id of sandboxes) await runtime.removeSandbox(id).catch(() => undefined);
      await runtime.close();
      await env.cleanup();
    },
  };
}
