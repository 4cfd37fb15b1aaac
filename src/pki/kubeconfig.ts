import { stringify } from 'yaml';
import { writeFileAtomic } from './atomic-write.js';

/** What a kubeconfig for one cluster, one user and one context needs. */
export interface KubeconfigOptions {
  /** API server URL, e.g. `https://127.0.0.1:6443`. */
  server: string;
  caCertPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** Names of the cluster, user and context entries; k3s calls all three `default`. */
  clusterName?: string;
  userName?: string;
  contextName?: string;
}

/** Options for {@link writeKubeconfig} beyond the content. */
export interface WriteKubeconfigOptions extends KubeconfigOptions {
  /** File mode, like k3s's `--write-kubeconfig-mode`. Default `0o600`: it holds a private key. */
  mode?: number;
}

const base64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

/**
 * Renders a kubeconfig with the CA and client credentials embedded (`*-data` fields), in the
 * layout k3s writes to `/etc/rancher/k3s/k3s.yaml`, so it works wherever it is copied.
 *
 * @example
 * const yaml = renderKubeconfig({
 *   server: 'https://127.0.0.1:6443',
 *   caCertPem: pki.caCertPem, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem,
 * });
 */
export function renderKubeconfig(opts: KubeconfigOptions): string {
  const cluster = opts.clusterName ?? 'default';
  const user = opts.userName ?? 'default';
  const context = opts.contextName ?? 'default';
  // Key order as kubectl itself writes it (`kubectl config view --raw`), alphabetical.
  const config = {
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': base64(opts.caCertPem), server: opts.server }, name: cluster }],
    contexts: [{ context: { cluster, user }, name: context }],
    'current-context': context,
    kind: 'Config',
    preferences: {},
    users: [
      {
        name: user,
        user: { 'client-certificate-data': base64(opts.clientCertPem), 'client-key-data': base64(opts.clientKeyPem) },
      },
    ],
  };
  // lineWidth 0: base64 blobs must stay on one line, as kubectl writes them.
  return stringify(config, { lineWidth: 0, indentSeq: false });
}

/**
 * Writes {@link renderKubeconfig}'s output to `path` atomically (a running kubectl never
 * reads half a file), creating parent directories, with mode 0600 unless told otherwise.
 *
 * @example
 * await writeKubeconfig(join(dataDir, 'cred', 'admin.kubeconfig'), {
 *   server: `https://127.0.0.1:${port}`,
 *   caCertPem: pki.caCertPem, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem,
 * });
 */
export async function writeKubeconfig(path: string, opts: WriteKubeconfigOptions): Promise<void> {
  await writeFileAtomic(path, renderKubeconfig(opts), { mode: opts.mode ?? 0o600 });
}
