// Helpers shared by the auth tests: a real SQLite-backed catalog with just the kinds auth reads.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/types.js';
import { SqliteStore } from '../../storage/sqlite-store.js';
import type { Clock } from '../../util/clock.js';
import { silentLogger } from '../../util/log.js';
import { ApiError } from '../errors.js';
import type { ApiContext } from '../http/context.js';
import { negotiate } from '../http/negotiate.js';
import { parseRequestInfo } from '../http/request-info.js';
import { handleResource } from '../http/resource-handler.js';
import { writeError } from '../http/respond.js';
import { decodeObject, encodeObject, hasProtobufSchema } from '../protobuf/codec.js';
import { ResourceCatalog } from '../registry/catalog.js';
import type { ResourceDefinition } from '../registry/resource.js';
import type { SubresourceRegistration } from '../http/context.js';
import type { UserInfo } from './user.js';

function def(group: string, kind: string, plural: string, namespaced: boolean): ResourceDefinition {
  return { group, version: 'v1', kind, plural, singular: kind.toLowerCase(), namespaced };
}

/** RBAC names are path segments (`system:basic-user`), not DNS subdomains. */
function pathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  return /[/%]/.test(name) ? [`may not contain '/' or '%'`] : [];
}

function rbacDef(kind: string, plural: string, namespaced: boolean): ResourceDefinition {
  return { ...def(rbac, kind, plural, namespaced), validateName: pathSegmentName };
}

const rbac = 'rbac.authorization.k8s.io';

/** Minimal definitions of the kinds auth reads (the real ones live with their API groups). */
export const testDefinitions: ResourceDefinition[] = [
  def('', 'Namespace', 'namespaces', false),
  def('', 'ServiceAccount', 'serviceaccounts', true),
  def('', 'Pod', 'pods', true),
  def('', 'Secret', 'secrets', true),
  def('', 'Node', 'nodes', false),
  rbacDef('ClusterRole', 'clusterroles', false),
  rbacDef('Role', 'roles', true),
  rbacDef('ClusterRoleBinding', 'clusterrolebindings', false),
  rbacDef('RoleBinding', 'rolebindings', true),
];

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(public ms = Date.UTC(2025, 0, 1)) {}
  now(): number {
    return this.ms;
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface TestCatalog {
  catalog: ResourceCatalog;
  clock: ManualClock;
  /** Creates an object through its store (namespace from metadata). */
  create(group: string, plural: string, obj: KubeObject): Promise<KubeObject>;
  remove(group: string, plural: string, ns: string | undefined, name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A catalog over a real SQLite file in a temporary directory, with namespaces `default` and
 * `dev` created.
 */
export async function testCatalog(extra: ResourceDefinition[] = []): Promise<TestCatalog> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-auth-'));
  const store = SqliteStore.open(join(dir, 'state.db'));
  const clock = new ManualClock();
  const catalog = new ResourceCatalog([...testDefinitions, ...extra], store, clock);
  const storeOf = (group: string, plural: string) => {
    const s = catalog.lookup(group, 'v1', plural);
    if (!s) throw new Error(`no ${plural}.${group} in test catalog`);
    return s;
  };
  const tc: TestCatalog = {
    catalog,
    clock,
    create: (group, plural, obj) => storeOf(group, plural).create(obj.metadata.namespace, obj),
    remove: async (group, plural, ns, name) => {
      await storeOf(group, plural).delete(ns, name);
    },
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  for (const name of ['default', 'dev']) await tc.create('', 'namespaces', { metadata: { name } });
  return tc;
}

/** Lets watch events already published reach their handlers (they are delivered from microtasks). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function user(name: string, ...groups: string[]): UserInfo {
  return { name, groups: [...groups, 'system:authenticated'] };
}

export const rbacGroup = rbac;

/** A response as the test HTTP client saw it. */
export interface TestResponse {
  status: number;
  contentType: string;
  body: Buffer;
  json(): Record<string, unknown>;
}

export interface TestServer {
  /** The caller every request is made as (authentication is not under test here). */
  user: UserInfo;
  request(method: string, path: string, body?: string | Uint8Array, headers?: Record<string, string>): Promise<TestResponse>;
  close(): Promise<void>;
}

/**
 * Serves the catalog's resources over plain HTTP through the real resource handlers (body
 * decoding, content negotiation, protobuf, errors), with the given subresources registered.
 */
export async function startTestServer(catalog: ResourceCatalog, subresources: SubresourceRegistration[] = []): Promise<TestServer> {
  const ctx: ApiContext = {
    catalog,
    clock: { now: () => Date.now() },
    log: silentLogger(),
    protobuf: { decode: decodeObject, encode: (o) => (hasProtobufSchema(String(o.apiVersion), String(o.kind)) ? encodeObject(o) : undefined), canEncode: hasProtobufSchema },
    patchers: {},
    subresources: new Map(subresources.map((s) => [`${s.group}/${s.plural}/${s.info.name}`, s.handler])),
    discoverySubresources: {},
  };
  const state = { user: user('tester') };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const format = negotiate(req.headers.accept, true);
    void (async () => {
      const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
      if (!info?.isResource) throw ApiError.pathNotFound();
      const store = catalog.lookup(info.group, info.version, info.resource);
      if (!store) throw ApiError.pathNotFound();
      await handleResource({ req, res, info, query: url.searchParams, user: state.user, store, format, ctx });
    })().catch((err) => writeError(res, err, format, ctx.protobuf?.encode));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    get user() {
      return state.user;
    },
    set user(u: UserInfo) {
      state.user = u;
    },
    request: async (method, path, body, headers = {}) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        // A copy in a fresh ArrayBuffer: what fetch's types accept for binary bodies.
        body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body).buffer,
        headers: { 'content-type': 'application/json', ...headers },
      });
      const buf = Buffer.from(await res.arrayBuffer());
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: buf, json: () => JSON.parse(buf.toString('utf8')) };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
