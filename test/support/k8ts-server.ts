// Starts the real `k8ts server` binary in a child process with a throwaway data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { nodeNetnsFor, type NodeNetns } from './node-netns.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const binary = join(repoRoot, 'bin', 'k8ts');

export interface TestServer {
  url: string;
  dataDir: string;
  kubeconfig: string;
  process: ChildProcess;
  /** With an agent: the network namespace that is its node's host (pods' bridge, routes, nft tables). */
  nodeNetns?: NodeNetns;
  /** Everything the server wrote to stderr so far. */
  logs(): string;
  /** An HTTPS request as the admin user. */
  request(method: string, path: string, opts?: { body?: string | Buffer; headers?: Record<string, string> }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>;
  /** SIGTERM, wait for exit, keep the data dir. */
  stop(): Promise<void>;
  /** SIGKILL, wait for exit, keep the data dir. */
  kill9(): Promise<void>;
  /** Stops the server (if running) and removes the data dir. */
  cleanup(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  datastoreEndpoint?: string;
  extraArgs?: string[];
  /** Run the embedded node agent (default: `--disable-agent`). */
  agent?: boolean;
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

/** Starts `bin/k8ts server` on a free port and waits until /readyz answers ok. */
export async function startK8ts(opts: StartOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'k8ts-e2e-'));
  const kubeconfig = join(dataDir, 'kubeconfig.yaml');
  rmSync(kubeconfig, { force: true });
  const args = ['server', '--data-dir', dataDir, '--https-listen-port', '0', '--bind-address', '127.0.0.1', ...(opts.agent ? [] : ['--disable-agent'])];
  if (opts.datastoreEndpoint) args.push('--datastore-endpoint', opts.datastoreEndpoint);
  // Each server's node gets its own network namespace (servers run in parallel), cluster DNS on its link.
  const nodeNetns = opts.agent && !opts.extraArgs?.includes('--node-netns') ? await nodeNetnsFor(dataDir) : undefined;
  if (nodeNetns) args.push('--node-netns', nodeNetns.name, ...(opts.extraArgs?.includes('--cluster-dns-listen') ? [] : ['--cluster-dns-listen', `${nodeNetns.hostAddress}:53`]));
  args.push(...(opts.extraArgs ?? []));
  const child = spawn(process.execPath, [binary, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, K8TS_LOG_LEVEL: 'info' } });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const deadline = Date.now() + 60_000;
  while (!existsSync(kubeconfig)) {
    if (child.exitCode !== null) throw new Error(`k8ts server exited ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`k8ts server did not become ready: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const cfg = parseYaml(readFileSync(kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const url = cfg.clusters[0]!.cluster.server;
  const agent = new https.Agent({
    ca: Buffer.from(cfg.clusters[0]!.cluster['certificate-authority-data'], 'base64'),
    cert: Buffer.from(cfg.users[0]!.user['client-certificate-data'], 'base64'),
    key: Buffer.from(cfg.users[0]!.user['client-key-data'], 'base64'),
    keepAlive: true,
  });
  const request: TestServer['request'] = (method, path, o = {}) =>
    new Promise((resolvePromise, reject) => {
      const req = https.request(new URL(path, url), { method, agent, headers: o.headers }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end(o.body);
    });
  for (;;) {
    const r = await request('GET', '/readyz').catch(() => undefined);
    if (r?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`k8ts server /readyz never ok: ${stderr}`);
    await new Promise((res) => setTimeout(res, 50));
  }
  const stopWith = async (signal: NodeJS.Signals) => {
    agent.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await waitExit(child);
  };
  return {
    url,
    dataDir,
    kubeconfig,
    process: child,
    ...(nodeNetns ? { nodeNetns } : {}),
    logs: () => stderr,
    request,
    stop: () => stopWith('SIGTERM'),
    kill9: () => stopWith('SIGKILL'),
    cleanup: async () => {
      await stopWith('SIGTERM');
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
