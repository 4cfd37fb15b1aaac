// A minimal plain-HTTP API server for driving the real kubectl against the OpenAPI handlers:
// version, discovery, /openapi/*, and writes that apply server-side field validation the way
// the resource handlers are meant to. Only for tests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anonymousUser } from '../auth/user.js';
import { aggregatedDiscovery, apiGroupList, apiVersions, resourceList } from '../discovery.js';
import { ApiError } from '../errors.js';
import { parseAccept } from '../http/media-type.js';
import { writeError, writeJson } from '../http/respond.js';
import type { ResourceCatalog } from '../registry/catalog.js';
import { versionInfo } from '../version.js';
import { fieldValidationErrors, handleFieldValidation, parseFieldValidation, warningHeaderValue } from './field-validation.js';
import { openApiPaths } from './openapi-paths.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  accept: string;
  body: string;
}

export interface StubServer {
  url: string;
  /** A kubeconfig file pointing at the server (plain HTTP, no credentials). */
  kubeconfig: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function aggregated(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const mt of parseAccept(accept)) {
    if (mt.params.as === 'APIGroupDiscoveryList' && (mt.params.v === 'v2' || mt.params.v === 'v2beta1')) return mt.params.v;
  }
  return undefined;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(catalog: ResourceCatalog, paths: ReturnType<typeof openApiPaths>, req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/version') return writeJson(res, 200, versionInfo());
  if (path === '/api' || path === '/apis') {
    const v = aggregated(req.headers.accept);
    if (v) return writeJson(res, 200, aggregatedDiscovery(catalog, path === '/api', v, {}), `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`);
    return writeJson(res, 200, path === '/api' ? apiVersions(req.headers.host ?? '') : apiGroupList(catalog));
  }
  const gv = /^\/api\/(v1)$/.exec(path) ?? /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (gv && req.method === 'GET') return writeJson(res, 200, path.startsWith('/api/') ? resourceList(catalog, '', gv[1]!, {}) : resourceList(catalog, gv[1]!, gv[2]!, {}));
  for (const [key, handler] of Object.entries(paths)) {
    if (key === path || (key.endsWith('/') && path.startsWith(key))) {
      if ((await handler(req, res, url, anonymousUser)) !== false) return;
    }
  }
  if (req.method === 'POST') {
    // What the create handler is meant to do: decode, check fields, then store (here: echo).
    const obj = JSON.parse(body) as { apiVersion: string; kind: string };
    const mode = parseFieldValidation(url.searchParams, 'Create');
    const version = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[1]! : obj.apiVersion;
    const warnings = handleFieldValidation(mode, fieldValidationErrors(obj, obj.apiVersion, obj.kind), { kind: obj.kind, version });
    if (warnings.length) res.setHeader('Warning', warnings.map(warningHeaderValue));
    return writeJson(res, 201, obj);
  }
  throw ApiError.pathNotFound();
}

/** Starts the stub on 127.0.0.1 (random port) and writes a kubeconfig for it. */
export async function startStubServer(catalog: ResourceCatalog): Promise<StubServer> {
  const paths = openApiPaths(catalog);
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://localhost');
      requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, accept: req.headers.accept ?? '', body });
      try {
        await handle(catalog, paths, req, res, body);
      } catch (err) {
        writeError(res, err);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-openapi-stub-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: stub\n  cluster:\n    server: ${url}\nusers:\n- name: anon\n  user: {}\ncontexts:\n- name: stub\n  context:\n    cluster: stub\n    user: anon\n    namespace: default\ncurrent-context: stub\n`,
  );
  return {
    url,
    kubeconfig,
    requests,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
