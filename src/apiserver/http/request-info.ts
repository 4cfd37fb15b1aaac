/**
 * What a request path addresses (Kubernetes' RequestInfo): a resource request such as
 * `GET /apis/apps/v1/namespaces/default/deployments/web/scale`, or a non-resource path.
 */
export type ResourceVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection'
  | 'connect';

export interface ResourceRequestInfo {
  isResource: true;
  verb: ResourceVerb;
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  /** Extra path segments after the subresource (e.g. proxy paths). */
  rest: string[];
}

export interface NonResourceRequestInfo {
  isResource: false;
  path: string;
  verb: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

/** `namespaces/<name>/<x>` is the Namespace's own subresource for these, not a resource inside it. */
const namespaceSubresources = new Set(['status', 'finalize']);

function verbFor(method: string, hasName: boolean, watch: boolean): ResourceVerb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

/**
 * Parses a request path. `/api/v1/...` is the core group; `/apis/<group>/<version>/...` the others.
 * The legacy `/api/v1/watch/...` prefix turns a GET into a watch.
 *
 * @example parseRequestInfo('GET', '/api/v1/namespaces/default/pods/web', new URLSearchParams())
 */
export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo | undefined {
  const parts = path.split('/').filter((p) => p.length > 0).map(decodeURIComponent);
  let group: string;
  let i: number;
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    i = 1;
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    i = 2;
  } else {
    return { isResource: false, path, verb: method.toLowerCase() };
  }
  const version = parts[i++]!;
  let watchPrefix = false;
  if (parts[i] === 'watch') {
    watchPrefix = true;
    i++;
  }
  let namespace: string | undefined;
  // `namespaces/<ns>/<resource>` addresses a namespaced resource; `namespaces/<ns>` alone is the Namespace.
  if (parts[i] === 'namespaces' && parts.length > i + 2 && !namespaceSubresources.has(parts[i + 2]!)) {
    namespace = parts[i + 1];
    i += 2;
  }
  const resource = parts[i++];
  if (!resource) return undefined;
  const name = parts[i++];
  const subresource = parts[i++];
  const rest = parts.slice(i);
  const watch = watchPrefix || query.get('watch') === 'true' || query.get('watch') === '1';
  let verb = verbFor(method, name !== undefined, watch);
  if (!verb) return undefined;
  if (subresource && ['exec', 'attach', 'portforward', 'proxy'].includes(subresource)) verb = 'connect';
  const info: ResourceRequestInfo = { isResource: true, verb, group, version, resource, rest };
  if (namespace !== undefined) info.namespace = namespace;
  if (name !== undefined) info.name = name;
  if (subresource !== undefined) info.subresource = subresource;
  return info;
}
