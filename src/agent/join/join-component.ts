import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../apiserver/errors.js';
import { readBody } from '../../apiserver/http/body.js';
import { writeJson } from '../../apiserver/http/respond.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import type { ComponentContext, ServerComponent } from '../../server/component.js';
import { issueNodeCredentials } from './node-credentials.js';
import { ensureServerToken, joinPaths, tokenMatches } from './join-token.js';


const roleName = 'k8ts:node-join';

/** RBAC that lets anyone reach the two join paths (the token is checked by the handler). */
async function ensureJoinRbac(catalog: ResourceCatalog): Promise<void> {
  const objects: [string, KubeObject][] = [
    [
      'clusterroles',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: roleName, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
        rules: [
          { verbs: ['get'], nonResourceURLs: [joinPaths.caCerts] },
          { verbs: ['post'], nonResourceURLs: [joinPaths.nodeCredentials] },
        ],
      },
    ],
    [
      'clusterrolebindings',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: roleName, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
        subjects: [
          { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:unauthenticated' },
          { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' },
        ],
      },
    ],
  ];
  for (const [plural, obj] of objects) {
    const store = catalog.lookup('rbac.authorization.k8s.io', 'v1', plural);
    if (!store) continue;
    try {
      await store.create(undefined, obj);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
    }
  }
}

interface JoinRequest {
  token?: string;
  nodeName?: string;
  addresses?: string[];
  hostnames?: string[];
}

const nodeNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The `node-join` server component: at start it makes sure `<data-dir>/token` exists and
 * logs where it is (as k3s does); it serves the CA at `GET /k8ts/v1/cacerts` and, for a
 * request carrying the token, issues node credentials at `POST /k8ts/v1/node-credentials`
 * (body `{"token","nodeName","addresses":[…],"hostnames":[…]}`).
 *
 * @example
 * // agent side: curl -sk https://server:6443/k8ts/v1/cacerts > ca.crt
 * //             curl --cacert ca.crt -d '{"token":"K10…","nodeName":"worker-1"}' https://server:6443/k8ts/v1/node-credentials
 */
export function nodeJoinComponent(): ServerComponent {
  let ctx: ComponentContext | undefined;
  let secret: string | undefined;
  const ready = () => {
    if (!ctx || !secret) throw new ApiError(503, 'ServiceUnavailable', 'the server is starting');
    return { ctx, secret };
  };
  return {
    name: 'node-join',
    paths: {
      [joinPaths.caCerts]: async (_req: IncomingMessage, res: ServerResponse) => {
        const { ctx: c } = ready();
        res.writeHead(200, { 'Content-Type': 'application/x-pem-file' });
        res.end(c.pki.caCertPem);
      },
      [joinPaths.nodeCredentials]: async (req: IncomingMessage, res: ServerResponse) => {
        if (req.method !== 'POST') throw ApiError.methodNotAllowed();
        const { ctx: c, secret: s } = ready();
        let body: JoinRequest;
        try {
          body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8')) as JoinRequest;
        } catch {
          throw ApiError.badRequest('the join request must be a JSON object');
        }
        if (!body.token || !tokenMatches(body.token, s)) throw ApiError.unauthorized();
        const name = String(body.nodeName ?? '');
        if (!nodeNamePattern.test(name) || name.length > 253) throw ApiError.badRequest(`invalid node name "${name}"`);
        const ips = (body.addresses ?? []).filter((a) => typeof a === 'string' && /^[\d.:a-fA-F]+$/.test(a));
        const dnsNames = (body.hostnames ?? []).filter((h) => typeof h === 'string' && nodeNamePattern.test(h));
        const creds = await issueNodeCredentials(c.pki, name, { ips, dnsNames });
        c.log.info({ node: name }, 'issued node credentials');
        writeJson(res, 200, creds);
      },
    },
    async start(c) {
      const t = await ensureServerToken(c.config.dataDir, c.pki.caCertPem, c.config.token);
      await ensureJoinRbac(c.catalog);
      secret = t.secret;
      ctx = c;
      c.log.info({ tokenFile: t.path }, `Node token is available at ${t.path}`);
      c.log.info(`To join an agent node to the cluster: k8ts agent --server https://<this host>:${c.port} --token $(cat ${t.path})`);
    },
  };
}
