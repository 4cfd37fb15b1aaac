import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../errors.js';
import type { ResourceRequest, SubresourceRegistration } from '../http/context.js';
import { agentLocation } from './agent-location.js';
import { dialAgent, spliceUpgrade, type AgentClientTls } from './upgrade-proxy.js';

type ConnectKind = 'exec' | 'attach' | 'portforward';

interface PodView {
  spec?: { nodeName?: string; containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
}

/** The container an exec/attach addresses, defaulted and checked as the API server does. */
export function resolveContainer(pod: KubeObject, requested: string | null): string {
  const spec = (pod as PodView).spec ?? {};
  const name = pod.metadata.name!;
  const containers = (spec.containers ?? []).map((c) => c.name);
  if (!requested) {
    if (containers.length === 1) return containers[0]!;
    const init = (spec.initContainers ?? []).map((c) => c.name);
    const more = init.length ? ` or one of the init containers: [${init.join(' ')}]` : '';
    throw ApiError.badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${more}`);
  }
  const all = [...containers, ...(spec.initContainers ?? []).map((c) => c.name), ...(spec.ephemeralContainers ?? []).map((c) => c.name)];
  if (!all.includes(requested)) throw ApiError.badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

/** The agent path for a connect request (kubelet paths: `/exec/<ns>/<pod>/<container>`, `/portForward/<ns>/<pod>`). */
function agentPath(kind: ConnectKind, pod: KubeObject, query: URLSearchParams): string {
  const ns = encodeURIComponent(pod.metadata.namespace ?? 'default');
  const name = encodeURIComponent(pod.metadata.name!);
  const q = new URLSearchParams(query);
  if (kind === 'portforward') return `/portForward/${ns}/${name}${q.size ? `?${q}` : ''}`;
  const container = resolveContainer(pod, query.get('container'));
  q.delete('container');
  return `/${kind}/${ns}/${name}/${encodeURIComponent(container)}${q.size ? `?${q}` : ''}`;
}

/**
 * `pods/exec`, `pods/attach` and `pods/portforward`: the API server checks the pod, finds
 * its node's agent and proxies the upgraded connection there, as Kubernetes proxies to the
 * kubelet. Authorization (`create` on the subresource) happened before the handler runs.
 */
export function podConnectSubresources(agentTls: () => AgentClientTls | undefined): SubresourceRegistration[] {
  const kinds: [ConnectKind, string][] = [
    ['attach', 'PodAttachOptions'],
    ['exec', 'PodExecOptions'],
    ['portforward', 'PodPortForwardOptions'],
  ];
  return kinds.map(([kind, optionsKind]) => ({
    group: '',
    plural: 'pods',
    info: { name: kind, kind: optionsKind, verbs: ['create', 'get'] },
    handler: (r: ResourceRequest) => connect(kind, r, agentTls),
  }));
}

async function connect(kind: ConnectKind, r: ResourceRequest, agentTls: () => AgentClientTls | undefined): Promise<void> {
  if (r.req.method !== 'GET' && r.req.method !== 'POST') throw ApiError.methodNotSupported({ group: '', resource: `pods/${kind}` }, r.info.verb);
  const pod = await r.store.get(r.info.namespace, r.info.name!);
  const path = agentPath(kind, pod, r.query);
  if (!r.upgrade) throw ApiError.badRequest('Upgrade request required');
  const nodeName = (pod as PodView).spec?.nodeName;
  if (!nodeName) throw ApiError.badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  const nodes = r.ctx.catalog.lookup('', 'v1', 'nodes');
  if (!nodes) throw ApiError.internal(new Error('nodes are not served'));
  const location = agentLocation(await nodes.get(undefined, nodeName));
  const creds = agentTls();
  if (!creds) throw ApiError.timeout('the API server is still starting');
  let agent;
  try {
    agent = await dialAgent(location, creds);
  } catch (err) {
    throw new ApiError(500, 'InternalError', `error dialing backend: ${(err as Error).message}`, {});
  }
  // From here the connection belongs to the agent; nothing more goes through `res`.
  const { socket, head } = r.upgrade;
  r.res.detachSocket(socket as never);
  spliceUpgrade(r.req, socket, head, agent, path, location);
}
