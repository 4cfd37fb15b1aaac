import https from 'node:https';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../api/types.js';
import { ApiError, type Status } from '../apiserver/errors.js';
import type { WatchEventType } from '../apiserver/registry/generic-store.js';
import type { ListWatch, WatchHandle } from './list-watch.js';

/** How to reach and authenticate to an API server. */
export interface RestConfig {
  server: string;
  caPem: string | Buffer;
  certPem?: string | Buffer;
  keyPem?: string | Buffer;
  token?: string;
}

/** Reads the current context's cluster and user from a kubeconfig file (embedded data only). */
export function restConfigFromKubeconfig(path: string): RestConfig {
  const cfg = parseYaml(readFileSync(path, 'utf8')) as {
    'current-context'?: string;
    contexts?: { name: string; context: { cluster: string; user: string } }[];
    clusters: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
    users: { name: string; user: { 'client-certificate-data'?: string; 'client-key-data'?: string; token?: string } }[];
  };
  const ctx = cfg.contexts?.find((c) => c.name === cfg['current-context'])?.context;
  const cluster = (cfg.clusters.find((c) => c.name === ctx?.cluster) ?? cfg.clusters[0])!.cluster;
  const user = (cfg.users.find((u) => u.name === ctx?.user) ?? cfg.users[0])!.user;
  const b64 = (s?: string) => (s ? Buffer.from(s, 'base64') : undefined);
  return {
    server: cluster.server,
    caPem: b64(cluster['certificate-authority-data']) ?? '',
    certPem: b64(user['client-certificate-data']),
    keyPem: b64(user['client-key-data']),
    token: user.token,
  };
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined>;
}

/**
 * A small Kubernetes REST client for k8ts's own out-of-process components (agents,
 * simulated nodes): JSON requests with Kubernetes errors turned back into ApiError, and
 * line-delimited watch streams.
 *
 * @example
 * const client = new RestClient(restConfigFromKubeconfig('/var/lib/k8ts/kubeconfig.yaml'));
 * const node = await client.get('/api/v1/nodes/n1');
 */
export class RestClient {
  private readonly agent: https.Agent;

  constructor(readonly config: RestConfig) {
    this.agent = new https.Agent({ ca: config.caPem, cert: config.certPem, key: config.keyPem, keepAlive: true, maxSockets: 64 });
  }

  close(): void {
    this.agent.destroy();
  }

  private url(path: string, query?: RequestOptions['query']): URL {
    const url = new URL(path, this.config.server);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private headers(contentType?: string): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json' };
    if (contentType) h['Content-Type'] = contentType;
    if (this.config.token) h.Authorization = `Bearer ${this.config.token}`;
    return h;
  }

  /** One request; a non-2xx answer throws the server's Status as an ApiError. */
  request<T = KubeObject>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    return new Promise((resolve, reject) => {
      const headers = this.headers(body ? (opts.contentType ?? 'application/json') : undefined);
      // A declared length: Node's HTTP server refuses a chunked DELETE body with a bare 400.
      if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
      const req = https.request(this.url(path, opts.query), { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) {
            try {
              resolve((text ? JSON.parse(text) : undefined) as T);
            } catch (err) {
              reject(err);
            }
            return;
          }
          reject(toApiError(code, text));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  get<T = KubeObject>(path: string, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  create<T = KubeObject>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, { body });
  }

  update<T = KubeObject>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  /** Patches with a merge patch unless another type is named. */
  patch<T = KubeObject>(path: string, body: unknown, contentType = 'application/merge-patch+json'): Promise<T> {
    return this.request<T>('PATCH', path, { body, contentType });
  }

  delete<T = KubeObject>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('DELETE', path, { body });
  }

  /** Streams watch events until stop() or the server ends the stream. */
  watch(
    path: string,
    query: RequestOptions['query'],
    onEvent: (type: WatchEventType, obj: KubeObject) => void,
    onClose: (reason: { expired: boolean; error?: unknown }) => void,
  ): WatchHandle {
    let closed = false;
    const close = (reason: { expired: boolean; error?: unknown }) => {
      if (closed) return;
      closed = true;
      onClose(reason);
    };
    const req = https.request(this.url(path, { ...query, watch: 'true' }), { method: 'GET', agent: this.agent, headers: this.headers() }, (res) => {
      if (res.statusCode !== 200) {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => close({ expired: res.statusCode === 410, error: toApiError(res.statusCode ?? 0, text) }));
        return;
      }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.trim()) continue;
          const ev = JSON.parse(line) as { type: WatchEventType; object: KubeObject };
          if (ev.type === 'ERROR') {
            const status = ev.object as unknown as Status;
            close({ expired: status.code === 410, error: toApiError(status.code, JSON.stringify(status)) });
            req.destroy();
            return;
          }
          onEvent(ev.type, ev.object);
        }
      });
      res.on('end', () => close({ expired: false }));
      res.on('error', (error) => close({ expired: false, error }));
    });
    req.on('error', (error) => close({ expired: false, error }));
    req.end();
    return {
      stop: () => {
        closed = true;
        req.destroy();
      },
    };
  }
}

function toApiError(code: number, text: string): ApiError {
  try {
    const s = JSON.parse(text) as Status;
    if (s.kind === 'Status') return new ApiError(s.code || code, s.reason ?? 'InternalError', s.message ?? '', s.details);
  } catch {
    // not a Status
  }
  return new ApiError(code, code === 404 ? 'NotFound' : 'InternalError', text || `HTTP ${code}`);
}

/** A ListWatch over the REST API, e.g. `restListWatch(client, '/api/v1/pods', { fieldSelector: 'spec.nodeName=n1' })`. */
export function restListWatch(client: RestClient, path: string, query: Record<string, string> = {}): ListWatch {
  return {
    async list() {
      const out = await client.get<{ items: KubeObject[]; metadata: { resourceVersion: string }; kind: string; apiVersion: string }>(path, query);
      // List items carry no kind; fill it in from the list's kind.
      const kind = out.kind.replace(/List$/, '');
      for (const i of out.items) {
        i.kind ??= kind;
        i.apiVersion ??= out.apiVersion;
      }
      return { items: out.items, resourceVersion: out.metadata.resourceVersion };
    },
    async watch(resourceVersion, onEvent, onClose) {
      return client.watch(path, { ...query, resourceVersion, allowWatchBookmarks: 'true' }, (type, obj) => {
        if (type === 'BOOKMARK') return;
        onEvent(type, obj);
      }, onClose);
    },
  };
}
