/**
 * Test support: a tiny API server that real kubectl binaries can talk to. It serves
 * aggregated discovery for the handful of resources the protobuf tests use, records
 * every request, and answers writes through a handler the test supplies.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface Captured {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** What the handler wants sent back; `undefined` means 404. */
export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array | string;
}

export type Handler = (req: Captured, res: http.ServerResponse) => Reply | undefined | 'handled';

type Scope = 'Namespaced' | 'Cluster';
const CRUD = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

function resource(name: string, kind: string, scope: Scope, verbs = CRUD, subresources: unknown[] = []) {
  return {
    resource: name,
    responseKind: { group: '', version: '', kind },
    scope,
    singularResource: kind.toLowerCase(),
    verbs,
    subresources,
  };
}

function group(name: string, resources: unknown[]) {
  return { metadata: { name }, versions: [{ version: 'v1', freshness: 'Current', resources }] };
}

const tokenSubresource = {
  subresource: 'token',
  responseKind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' },
  verbs: ['create'],
};

const CORE = group('', [
  resource('namespaces', 'Namespace', 'Cluster'),
  resource('configmaps', 'ConfigMap', 'Namespaced'),
  resource('secrets', 'Secret', 'Namespaced'),
  resource('pods', 'Pod', 'Namespaced', CRUD, [
    { subresource: 'attach', responseKind: { group: '', version: '', kind: 'PodAttachOptions' }, verbs: ['create', 'get'] },
    { subresource: 'log', responseKind: { group: '', version: '', kind: 'Pod' }, verbs: ['get'] },
  ]),
  resource('serviceaccounts', 'ServiceAccount', 'Namespaced', CRUD, [tokenSubresource]),
]);

const GROUPS = [
  group('apps', [resource('deployments', 'Deployment', 'Namespaced')]),
  group('batch', [resource('jobs', 'Job', 'Namespaced')]),
  group('authorization.k8s.io', [
    resource('selfsubjectaccessreviews', 'SelfSubjectAccessReview', 'Cluster', ['create']),
    resource('selfsubjectrulesreviews', 'SelfSubjectRulesReview', 'Cluster', ['create']),
  ]),
  group('authentication.k8s.io', [resource('selfsubjectreviews', 'SelfSubjectReview', 'Cluster', ['create'])]),
];

const DISCOVERY_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const discovery = (items: unknown[]) =>
  JSON.stringify({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items });

const NOT_FOUND: Reply = {
  status: 404,
  contentType: 'application/json',
  body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' }),
};

export class CaptureServer {
  readonly requests: Captured[] = [];
  private server: http.Server | undefined;
  private port = 0;

  constructor(private readonly handler: Handler) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.serve({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) }, res));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The POST/PUT requests recorded so far, oldest first. */
  writes(): Captured[] {
    return this.requests.filter((r) => r.method === 'POST' || r.method === 'PUT');
  }

  private serve(req: Captured, res: http.ServerResponse): void {
    this.requests.push(req);
    const path = req.url.split('?')[0];
    if (path === '/api' || path === '/apis') {
      res.setHeader('Content-Type', DISCOVERY_TYPE);
      res.end(discovery(path === '/api' ? [CORE] : GROUPS));
      return;
    }
    if (path === '/version') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ major: '1', minor: '33', gitVersion: 'v1.33.1', platform: 'linux/amd64' }));
      return;
    }
    const reply = this.handler(req, res);
    if (reply === 'handled') return;
    const r = reply ?? NOT_FOUND;
    res.statusCode = r.status;
    res.setHeader('Content-Type', r.contentType);
    res.end(r.body);
  }
}

/** Finds `kubectl.<version>` on PATH or in the Google Cloud SDK; undefined when absent. */
export function findKubectl(version: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat('/usr/lib/google-cloud-sdk/bin');
  for (const dir of dirs) {
    const p = join(dir, `kubectl.${version}`);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs kubectl against `server` with a private kubeconfig, HOME and discovery cache. */
export class KubectlRunner {
  private readonly dir = mkdtempSync(join(tmpdir(), 'k8ts-kubectl-'));

  constructor(private readonly binary: string, private readonly server: string) {
    writeFileSync(join(this.dir, 'config'), '');
  }

  run(args: readonly string[]): Promise<KubectlResult> {
    const argv = ['--server', this.server, '--cache-dir', join(this.dir, 'cache'), ...args];
    const env = { PATH: process.env.PATH ?? '', HOME: this.dir, KUBECONFIG: join(this.dir, 'config') };
    return new Promise((resolve) => {
      execFile(this.binary, argv, { env, timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
