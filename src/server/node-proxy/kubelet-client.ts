import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../apiserver/errors.js';
import type { ClusterPki } from '../../pki/cluster-pki.js';
import { signClientCertificate } from '../../pki/cluster-pki.js';

const connectTimeoutMs = 10_000;

/** The address types tried in order to reach a node (k3s puts InternalIP first). */
const preferredAddressTypes = ['InternalIP', 'Hostname', 'ExternalIP', 'InternalDNS', 'ExternalDNS'];

/** Where a node's agent listens, from Node status (addresses and daemonEndpoints). */
export function nodeEndpoint(node: KubeObject): { host: string; port: number } {
  const status = (node.status ?? {}) as { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
  const addresses = status.addresses ?? [];
  let host: string | undefined;
  for (const t of preferredAddressTypes) {
    host = addresses.find((a) => a.type === t)?.address;
    if (host) break;
  }
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!host || !port) throw new ApiError(500, 'InternalError', `node "${node.metadata.name}" has no address or kubelet port in its status`);
  return { host, port };
}

/**
 * The API server's client for node agents (kube-apiserver's --kubelet-client-certificate):
 * a certificate from the cluster CA in `system:masters`, and the CA to check the agent's
 * serving certificate.
 */
export class KubeletClient {
  private agent?: https.Agent;

  async init(pki: Pick<ClusterPki, 'caCertPem' | 'caKeyPem'>): Promise<void> {
    const cert = await signClientCertificate(pki, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] });
    this.agent = new https.Agent({ ca: pki.caCertPem, cert: cert.certPem, key: cert.keyPem, keepAlive: true });
  }

  close(): void {
    this.agent?.destroy();
  }

  /** GETs a path on the node's agent; resolves with the response once headers arrived. */
  get(node: KubeObject, path: string): Promise<{ res: IncomingMessage; abort(): void }> {
    if (!this.agent) throw new ApiError(503, 'ServiceUnavailable', 'the server is starting');
    const { host, port } = nodeEndpoint(node);
    const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method: 'GET', agent: this.agent }, (res) => {
        clearTimeout(timer);
        resolve({ res, abort: () => req.destroy() });
      });
      // A node that is down (or simulated, with no agent) must not hold the request for minutes.
      const timer = setTimeout(() => req.destroy(new Error(`dial tcp ${host}:${port}: i/o timeout`)), connectTimeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(new ApiError(500, 'InternalError', `Get "${url}": ${err.message}`));
      });
      req.end();
    });
  }
}
