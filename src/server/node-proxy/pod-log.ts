import type { KubeObject } from '../../api/types.js';
import { ApiError, type Status } from '../../apiserver/errors.js';
import type { SubresourceRegistration } from '../../apiserver/http/context.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import { LogOptionsError, parseLogQuery } from '../../agent/server/log-options.js';
import type { KubeletClient } from './kubelet-client.js';

interface PodSpecLike {
  nodeName?: string;
  containers?: { name: string }[];
  initContainers?: { name: string }[];
  ephemeralContainers?: { name: string }[];
}

/** The container a log request is for, with the API server's messages for a missing or wrong one. */
export function logContainer(pod: KubeObject, requested: string | null): string {
  const spec = (pod.spec ?? {}) as PodSpecLike;
  const name = pod.metadata.name;
  const containers = (spec.containers ?? []).map((c) => c.name);
  const inits = (spec.initContainers ?? []).map((c) => c.name);
  const ephemeral = (spec.ephemeralContainers ?? []).map((c) => c.name);
  if (!requested) {
    if (containers.length === 1 && inits.length === 0) return containers[0]!;
    let msg = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
    if (inits.length) msg += ` or one of the init containers: [${inits.join(' ')}]`;
    throw ApiError.badRequest(msg);
  }
  if (![...containers, ...inits, ...ephemeral].includes(requested)) throw ApiError.badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

const forwarded = ['follow', 'previous', 'timestamps', 'tailLines', 'sinceSeconds', 'sinceTime', 'limitBytes'];

/**
 * `GET /api/v1/namespaces/<ns>/pods/<name>/log`: validates the request as kube-apiserver
 * does and streams the answer of the pod's node agent (`/containerLogs/…`) back to the client.
 */
export function podLogSubresource(kubelet: KubeletClient, catalog: () => ResourceCatalog | undefined): SubresourceRegistration {
  return {
    group: '',
    plural: 'pods',
    info: { name: 'log', kind: 'Pod', verbs: ['get'] },
    handler: async (r) => {
      if (r.info.verb !== 'get') throw ApiError.methodNotAllowed();
      const ns = r.info.namespace!;
      const pod = await r.store.get(ns, r.info.name!);
      const container = logContainer(pod, r.query.get('container'));
      try {
        parseLogQuery(r.query, Date.now());
      } catch (err) {
        if (err instanceof LogOptionsError) throw ApiError.badRequest(err.message);
        throw err;
      }
      const nodeName = ((pod.spec ?? {}) as PodSpecLike).nodeName;
      if (!nodeName) throw ApiError.badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
      const nodes = catalog()?.lookup('', 'v1', 'nodes');
      if (!nodes) throw new ApiError(503, 'ServiceUnavailable', 'the server is starting');
      const node = await nodes.get(undefined, nodeName);
      const q = new URLSearchParams();
      for (const k of forwarded) {
        const v = r.query.get(k);
        if (v !== null) q.set(k, v);
      }
      const path = `/containerLogs/${encodeURIComponent(ns)}/${encodeURIComponent(pod.metadata.name!)}/${encodeURIComponent(container)}${q.size ? `?${q}` : ''}`;
      const { res: upstream, abort } = await kubelet.get(node, path);
      if (upstream.statusCode !== 200) {
        const chunks: Buffer[] = [];
        for await (const c of upstream) chunks.push(c as Buffer);
        const text = Buffer.concat(chunks).toString('utf8');
        let status: Partial<Status> | undefined;
        try {
          status = JSON.parse(text) as Status;
        } catch {
          status = undefined;
        }
        if (status?.kind === 'Status') throw new ApiError(status.code ?? upstream.statusCode ?? 500, status.reason ?? 'InternalError', status.message ?? text);
        throw new ApiError(upstream.statusCode ?? 500, 'InternalError', text || `the node agent answered ${upstream.statusCode}`);
      }
      r.res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
      r.res.flushHeaders();
      r.res.on('close', abort);
      await new Promise<void>((resolve) => {
        upstream.on('data', (c: Buffer) => r.res.write(c));
        upstream.on('end', resolve);
        upstream.on('error', () => resolve());
        upstream.on('close', resolve);
      });
      r.res.end();
    },
  };
}
