import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';
import { parseAccept } from '../http/media-type.js';
import type { PathHandler } from '../server.js';
import { OpenApiService, type OpenApiCatalog, type RenderedDocument } from './openapi-service.js';
import type { SchemaRegistry } from './schema-registry.js';

const V2_PROTOBUF_TYPES = ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'];
/** Always answered with the dotted form: Go's mime parser (kubectl) rejects the `@` of the old one. */
const V2_PROTOBUF_REPLY_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/**
 * A gnostic OpenAPI v2 Document holding only `swagger: "2.0"` (field 1, length 3). kubectl
 * 1.27–1.28 download v2 before anything else and give up on a 404 or on JSON; with this they
 * go on to the v3 documents, see `fieldValidation` declared there, and send Strict.
 */
export const V2_PROTOBUF_STUB = Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30]);

function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void {
  res.writeHead(status, { ...headers, 'Content-Length': String(body.byteLength) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Replies 304 when the client already holds this version, as Go's http.ServeContent does. */
function notModified(req: IncomingMessage, res: ServerResponse, etag: string, headers: Record<string, string>): boolean {
  const match = req.headers['if-none-match'];
  if (!match || !match.split(',').some((t) => t.trim() === etag || t.trim() === '*')) return false;
  res.writeHead(304, headers);
  res.end();
  return true;
}

function serveDocument(req: IncomingMessage, res: ServerResponse, doc: RenderedDocument, contentType: string, extra: Record<string, string> = {}): void {
  const etag = `"${doc.hash}"`;
  const headers = { 'Content-Type': contentType, ETag: etag, ...extra };
  if (notModified(req, res, etag, headers)) return;
  send(req, res, 200, headers, doc.body);
}

/** Whether the Accept header admits JSON (kubectl sends `application/json`; browsers `*\/*`). */
function acceptsJson(accept: string | undefined): boolean {
  return parseAccept(accept).some((mt) => mt.type === 'application/json' || mt.type === 'application/*' || mt.type === '*/*');
}

/** The v2 form the client prefers: one of the protobuf media types, JSON, or none. */
function v2Format(accept: string | undefined): string | undefined {
  for (const mt of parseAccept(accept)) {
    if (V2_PROTOBUF_TYPES.includes(mt.type)) return mt.type;
    if (mt.type === 'application/json' || mt.type === 'application/*' || mt.type === '*/*') return 'application/json';
  }
  return undefined;
}

/** The documents are read-only; the server lets other methods through to exact-path handlers. */
function readOnly(handler: PathHandler): PathHandler {
  return async (req, res, url, user) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw ApiError.methodNotAllowed();
    return handler(req, res, url, user);
  };
}

/**
 * The OpenAPI endpoints, as `ApiServerOptions.paths` entries:
 * - `/openapi/v3`: the group-version index with hashed URLs;
 * - `/openapi/v3/…`: one group-version's document (`?hash=` makes it immutable-cacheable; a stale
 *   hash redirects to the current one, as Kubernetes does);
 * - `/openapi/v2`: protobuf (a stub, see V2_PROTOBUF_STUB) or a JSON Swagger 2.0 document;
 * - `/swagger-2.0.0.pb-v1`: the legacy protobuf path, the same stub.
 *
 * @example
 * new ApiServer({ …, paths: { ...openApiPaths(ctx.catalog) } })
 */
export function openApiPaths(catalog: OpenApiCatalog, registry?: SchemaRegistry): Record<string, PathHandler> {
  const service = new OpenApiService(catalog, registry);

  const v3Index: PathHandler = async (req, res) => {
    serveDocument(req, res, service.discovery(), 'application/json');
  };

  const v3GroupVersion: PathHandler = async (req, res, url) => {
    const gv = url.pathname.replace(/^\/openapi\/v3\/+/, '').replace(/\/+$/, '');
    const doc = service.groupVersion(gv);
    if (!doc) throw ApiError.pathNotFound();
    if (!acceptsJson(req.headers.accept)) throw ApiError.notAcceptable(['application/json']);
    const hash = url.searchParams.get('hash');
    const vary = { Vary: 'Accept' };
    if (hash && hash !== doc.hash) {
      const location = `/openapi/v3/${gv}?hash=${doc.hash}`;
      send(req, res, 301, { Location: location, 'Content-Type': 'text/html; charset=utf-8', ...vary }, Buffer.from(`<a href="${location}">Moved Permanently</a>.\n`));
      return;
    }
    const caching: Record<string, string> = hash ? { 'Cache-Control': 'public, immutable', Expires: new Date(Date.now() + 365 * 86_400_000).toUTCString() } : {};
    serveDocument(req, res, doc, 'application/json', { ...vary, ...caching });
  };

  const v2: PathHandler = async (req, res) => {
    const format = v2Format(req.headers.accept);
    if (!format) throw ApiError.notAcceptable(['application/json', ...V2_PROTOBUF_TYPES]);
    if (format === 'application/json') return serveDocument(req, res, service.v2(), 'application/json', { Vary: 'Accept' });
    serveDocument(req, res, { body: V2_PROTOBUF_STUB, hash: 'STUB-2.0' }, V2_PROTOBUF_REPLY_TYPE, { Vary: 'Accept' });
  };

  const legacyProtobuf: PathHandler = async (req, res) => {
    serveDocument(req, res, { body: V2_PROTOBUF_STUB, hash: 'STUB-2.0' }, V2_PROTOBUF_REPLY_TYPE);
  };

  return {
    '/openapi/v3': readOnly(v3Index),
    '/openapi/v3/': readOnly(v3GroupVersion),
    '/openapi/v2': readOnly(v2),
    '/swagger-2.0.0.pb-v1': readOnly(legacyProtobuf),
  };
}
