import { KubeConfig } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ensureClusterPki, type ClusterPki } from './cluster-pki.js';
import { renderKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { run, startTlsServer, tempDir } from './test-support.js';
import { kubectlBinary } from '../../test/support/kubectl.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('kubeconfig', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let pki: ClusterPki;
  let server: Awaited<ReturnType<typeof startTlsServer>>;
  let kubeconfigPath = '';
  const kubectl = kubectlBinary('1.33');

  /** kubectl with a fresh cache dir, so no discovery cache from elsewhere leaks in. */
  const runKubectl = (config: string, ...args: string[]): Promise<string> =>
    run(kubectl, ['--kubeconfig', config, '--cache-dir', join(dir.path, 'kube-cache'), ...args]);

  before(async () => {
    dir = await tempDir('kubeconfig');
    pki = await ensureClusterPki({ dataDir: join(dir.path, 'server') });
    // Stands in for the apiserver: /healthz is "ok" only for a verified admin client cert.
    server = await startTlsServer({ key: pki.servingKeyPem, cert: pki.servingCertPem, ca: pki.caCertPem }, (peer, path) => {
      if (!peer.authorized || peer.commonName !== 'admin') return { status: 401, body: 'Unauthorized' };
      return path === '/healthz' ? { status: 200, body: 'ok' } : { status: 404, body: 'not found' };
    });
    kubeconfigPath = join(dir.path, 'etc', 'k8ts', 'k8ts.yaml');
    await writeKubeconfig(kubeconfigPath, {
      server: `https://127.0.0.1:${server.port}`,
      caCertPem: pki.caCertPem,
      clientCertPem: pki.adminCertPem,
      clientKeyPem: pki.adminKeyPem,
    });
  });
  after(async () => {
    await server.close();
    await dir.remove();
  });

  it('renders the k3s layout with everything embedded', () => {
    const text = renderKubeconfig({ server: 'https://127.0.0.1:6443', caCertPem: 'CA', clientCertPem: 'CERT', clientKeyPem: 'KEY', contextName: 'ctx' });
    assert.equal(
      text,
      [
        'apiVersion: v1',
        'clusters:',
        '- cluster:',
        `    certificate-authority-data: ${b64('CA')}`,
        '    server: https://127.0.0.1:6443',
        '  name: default',
        'contexts:',
        '- context:',
        '    cluster: default',
        '    user: default',
        '  name: ctx',
        'current-context: ctx',
        'kind: Config',
        'preferences: {}',
        'users:',
        '- name: default',
        '  user:',
        `    client-certificate-data: ${b64('CERT')}`,
        `    client-key-data: ${b64('KEY')}`,
        '',
      ].join('\n'),
    );
  });

  it('writes the file with mode 0600, creating parent directories, and replaces it atomically', async () => {
    assert.equal((await stat(kubeconfigPath)).mode & 0o777, 0o600);
    const doc = parse(await readFile(kubeconfigPath, 'utf8'));
    assert.equal(doc.users[0].user['client-key-data'], b64(pki.adminKeyPem));
    const other = join(dir.path, 'other.yaml');
    await writeFile(other, 'stale', { mode: 0o644 });
    await writeKubeconfig(other, { server: 'https://x:1', caCertPem: 'a', clientCertPem: 'b', clientKeyPem: 'c', mode: 0o640 });
    assert.equal((await stat(other)).mode & 0o777, 0o640);
    assert.equal(parse(await readFile(other, 'utf8')).clusters[0].cluster.server, 'https://x:1');
  });

  it('loads in @kubernetes/client-node, whose TLS options reach the server as admin', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    assert.equal(kc.getCurrentContext(), 'default');
    assert.equal(kc.getCurrentCluster()?.server, `https://127.0.0.1:${server.port}`);
    assert.equal(kc.getCurrentCluster()?.caData, b64(pki.caCertPem));
    assert.equal(kc.getCurrentUser()?.certData, b64(pki.adminCertPem));
    const options: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(options);
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get({ ...options, host: '127.0.0.1', port: server.port, path: '/healthz', agent: false }, (res) => {
          let data = '';
          res.on('data', (c: Buffer) => (data += c.toString()));
          res.on('end', () => resolve(`${res.statusCode} ${data}`));
        })
        .on('error', reject);
    });
    assert.equal(body, '200 ok');
  });

  it('is read back unchanged by kubectl config view', async () => {
    const get = (path: string): Promise<string> => runKubectl(kubeconfigPath, 'config', 'view', '--raw', '-o', `jsonpath=${path}`);
    assert.equal(await get('{.clusters[0].cluster.server}'), `https://127.0.0.1:${server.port}`);
    assert.equal(await get('{.clusters[0].cluster.certificate-authority-data}'), b64(pki.caCertPem));
    assert.equal(await get('{.users[0].user.client-certificate-data}'), b64(pki.adminCertPem));
    assert.equal(await get('{.users[0].user.client-key-data}'), b64(pki.adminKeyPem));
    assert.equal(await get('{.current-context}'), 'default');
  });

  it('lets kubectl get /healthz over TLS with the admin certificate, by IP and by name', async () => {
    assert.equal(await runKubectl(kubeconfigPath, 'get', '--raw', '/healthz'), 'ok');
    const byName = join(dir.path, 'by-name.yaml');
    await writeKubeconfig(byName, {
      server: `https://localhost:${server.port}`,
      caCertPem: pki.caCertPem,
      clientCertPem: pki.adminCertPem,
      clientKeyPem: pki.adminKeyPem,
    });
    assert.equal(await runKubectl(byName, 'get', '--raw', '/healthz'), 'ok');
  });

  it('fails in kubectl with a client certificate from another CA', async () => {
    const other = await ensureClusterPki({ dataDir: join(dir.path, 'other') });
    const foreign = join(dir.path, 'foreign.yaml');
    await writeKubeconfig(foreign, {
      server: `https://127.0.0.1:${server.port}`,
      caCertPem: pki.caCertPem,
      clientCertPem: other.adminCertPem,
      clientKeyPem: other.adminKeyPem,
    });
    // kubectl's wording for a 401.
    await assert.rejects(runKubectl(foreign, 'get', '--raw', '/healthz'), /must be logged in to the server/);
  });
});
