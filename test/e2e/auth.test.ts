// Access control as a cluster admin sets it up: a user certificate signed with openssl from
// the CA in <data-dir>/tls, RBAC bindings, service account tokens and `kubectl auth`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl } from '../support/kubectl.js';

let server: TestServer;
let admin: Kubectl;
let work: string;

/** A kubeconfig for `user` (groups as O) with a certificate signed by the cluster CA. */
function userKubeconfig(user: string, groups: string[]): string {
  const tls = join(server.dataDir, 'tls');
  const key = join(work, `${user}.key`);
  const csr = join(work, `${user}.csr`);
  const crt = join(work, `${user}.crt`);
  const ext = join(work, 'client.ext');
  writeFileSync(ext, 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  const subj = [...groups.map((g) => `/O=${g}`), `/CN=${user}`].join('');
  execFileSync('openssl', ['req', '-new', '-key', key, '-subj', subj, '-out', csr]);
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', join(tls, 'ca.crt'), '-CAkey', join(tls, 'ca.key'), '-set_serial', '0x1234', '-days', '1', '-sha256', '-extfile', ext, '-out', crt], { stdio: 'ignore' });
  const path = join(work, `${user}.kubeconfig`);
  const b64 = (f: string) => readFileSync(f).toString('base64');
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
- name: k8ts
  cluster: {server: "${server.url}", certificate-authority-data: ${b64(join(tls, 'ca.crt'))}}
users:
- name: ${user}
  user: {client-certificate-data: ${b64(crt)}, client-key-data: ${b64(key)}}
contexts:
- name: ${user}
  context: {cluster: k8ts, user: ${user}}
current-context: ${user}
`,
  );
  return path;
}

before(async () => {
  server = await startK8ts();
  admin = new Kubectl('1.33', server.kubeconfig);
  work = mkdtempSync(join(tmpdir(), 'k8ts-auth-'));
});
after(async () => {
  await server?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

test('a user with a CA-signed certificate is forbidden until RBAC grants access', async () => {
  const alice = new Kubectl('1.33', userKubeconfig('alice', ['developers']));
  assert.match(await alice.ok(['auth', 'whoami']), /alice[\s\S]*developers/);
  const denied = await alice.run(['get', 'pods']);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /Error from server \(Forbidden\): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"/);
  assert.equal((await alice.run(['auth', 'can-i', 'list', 'pods'])).stdout.trim(), 'no');

  await admin.ok(['create', 'rolebinding', 'dev-view', '--clusterrole=view', '--group=developers', '-n', 'default']);
  const deadline = Date.now() + 10_000;
  let r = await alice.run(['get', 'pods']);
  while (r.code !== 0 && Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, 100));
    r = await alice.run(['get', 'pods']);
  }
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await alice.run(['auth', 'can-i', 'list', 'pods'])).stdout.trim(), 'yes');
  assert.equal((await alice.run(['auth', 'can-i', 'create', 'pods'])).stdout.trim(), 'no');
  assert.equal((await alice.run(['auth', 'can-i', 'list', 'pods', '-n', 'kube-system'])).stdout.trim(), 'no');
  const writes = await alice.run(['create', 'configmap', 'nope']);
  assert.match(writes.stderr, /configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "default"/);
});

test('service account tokens authenticate and are authorized by RBAC', async () => {
  await admin.ok(['create', 'namespace', 'team']);
  await admin.ok(['create', 'serviceaccount', 'bot', '-n', 'team']);
  const token = (await admin.ok(['create', 'token', 'bot', '-n', 'team', '--duration=10m'])).trim();
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  const ca = join(work, 'ca.crt');
  writeFileSync(ca, readFileSync(join(server.dataDir, 'tls', 'ca.crt')));
  const bot = new Kubectl('1.33', '/dev/null');
  const as = ['--server', server.url, '--certificate-authority', ca, '--token', token];
  assert.match(await bot.ok([...as, 'auth', 'whoami']), /system:serviceaccount:team:bot/);
  const denied = await bot.run([...as, 'get', 'configmaps', '-n', 'team']);
  assert.match(denied.stderr, /User "system:serviceaccount:team:bot" cannot list resource "configmaps"/);
  await admin.ok(['create', 'rolebinding', 'bot-edit', '--clusterrole=edit', '--serviceaccount=team:bot', '-n', 'team']);
  const deadline = Date.now() + 10_000;
  let r = await bot.run([...as, 'get', 'configmaps', '-n', 'team']);
  while (r.code !== 0 && Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, 100));
    r = await bot.run([...as, 'get', 'configmaps', '-n', 'team']);
  }
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /kube-root-ca\.crt/);
  const bad = await bot.run(['--server', server.url, '--certificate-authority', ca, '--token', token.slice(0, -4) + 'AAAA', 'get', 'pods']);
  assert.match(bad.stderr, /You must be logged in to the server \(Unauthorized\)/);
});

test('every namespace gets a default service account and the root CA', async () => {
  await admin.ok(['create', 'namespace', 'fresh']);
  const deadline = Date.now() + 10_000;
  let out = '';
  while (Date.now() < deadline) {
    out = (await admin.run(['get', 'sa,cm', '-n', 'fresh', '-o', 'name'])).stdout;
    if (out.includes('serviceaccount/default') && out.includes('configmap/kube-root-ca.crt')) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.match(out, /serviceaccount\/default/);
  assert.match(out, /configmap\/kube-root-ca\.crt/);
  const cm = JSON.parse(await admin.ok(['get', 'cm', 'kube-root-ca.crt', '-n', 'fresh', '-o', 'json']));
  assert.equal(cm.data['ca.crt'], readFileSync(join(server.dataDir, 'tls', 'ca.crt'), 'utf8'));
});

test('anonymous requests see only health and version', async () => {
  const ca = readFileSync(join(server.dataDir, 'tls', 'ca.crt'));
  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      https
        .get(new URL(path, server.url), { ca }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });
  const version = await get('/version');
  assert.equal(version.status, 200);
  assert.equal(JSON.parse(version.body).minor, '33');
  assert.equal((await get('/readyz')).body, 'ok');
  const pods = await get('/api/v1/namespaces/default/pods');
  assert.equal(pods.status, 403);
  assert.equal(JSON.parse(pods.body).message, 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"');
});
