// Registry authentication against real docker-registry processes: htpasswd (Basic) and the
// registry's token mode (Bearer tokens from a token server, as Docker Hub does it), with
// credentials from the caller, from registries.yaml and from a dockerconfigjson pull secret.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.js';
import { buildImage, pushImage, type BuiltImage } from '../../../test/support/test-images.js';
import { keyringFromSecrets, lookupKeyring } from './docker-config.js';
import { ImagePullError } from './image-service.js';
import { LocalImageService } from './local-image-service.js';
import { parseRegistriesConfig, resolveEndpoints } from './registries-config.js';
import { RegistryClient } from './registry-client.js';

const alice = { username: 'alice', password: 'wonder:land' };
let basic: TestRegistry;
let token: TestRegistry;
let image: BuiltImage;
let work: string;
let n = 0;

const open = (opts: Parameters<typeof LocalImageService.open>[0] = {}) => LocalImageService.open({ root: join(work, `store-${n++}`), ...opts });

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'k8ts-registry-auth-test-'));
  [basic, token] = await Promise.all([startRegistry({ htpasswd: [alice] }), startRegistry({ token: { users: [alice] } })]);
  image = await buildImage([[{ type: 'file', path: 'secret.txt', content: 'only for alice' }], [{ type: 'file', path: 'two.txt', content: '2' }]]);
  await pushImage(basic.url, 'private/app', '1', image, alice);
  await pushImage(token.url, 'private/app', '1', image, alice);
});

after(async () => {
  await Promise.all([basic?.stop(), token?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

test('basic auth: refused without credentials, pulled with them', async () => {
  const ref = `${basic.host}/private/app:1`;
  await assert.rejects((await open()).ensureImage(ref, 'IfNotPresent'), (err: unknown) => {
    assert.ok(err instanceof ImagePullError);
    assert.equal(err.reason, 'Unauthorized');
    assert.equal(err.message, `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": pull access denied, repository does not exist or may require authorization: server message: unauthorized: authentication required`);
    return true;
  });
  await assert.rejects((await open()).ensureImage(ref, 'IfNotPresent', { auth: [{ username: 'alice', password: 'wrong' }] }), /authentication required/);
  const info = await (await open()).ensureImage(ref, 'IfNotPresent', { auth: [{ username: 'bob', password: 'x' }, alice] });
  assert.equal(info.configDigest, image.configDigest);
});

test('basic auth from registries.yaml configs', async () => {
  const registries = parseRegistriesConfig(`configs:\n  "${basic.host}":\n    auth:\n      username: alice\n      password: "wonder:land"\n`);
  const info = await (await open({ registries })).ensureImage(`${basic.host}/private/app:1`, 'IfNotPresent');
  assert.equal(info.configDigest, image.configDigest);
});

test('token auth: the registry challenges, the token server issues, the token is reused', async () => {
  const ref = `${token.host}/private/app:1`;
  const before = token.tokenServer!.issued();
  const info = await (await open()).ensureImage(ref, 'IfNotPresent', { auth: [alice] });
  assert.equal(info.configDigest, image.configDigest);
  assert.equal(token.tokenServer!.issued() - before, 1, 'one token for manifest, config and both layers');
  await assert.rejects((await open()).ensureImage(ref, 'IfNotPresent'), (err: unknown) => {
    assert.ok(err instanceof ImagePullError);
    assert.equal(err.reason, 'Unauthorized');
    assert.match(err.message, /pull access denied, repository does not exist or may require authorization: server message: unauthorized: authentication required/);
    return true;
  });
  await assert.rejects((await open()).ensureImage(ref, 'IfNotPresent', { auth: [{ username: 'alice', password: 'nope' }] }), (err: unknown) => {
    assert.ok(err instanceof ImagePullError);
    assert.match(err.message, new RegExp(`failed to authorize: failed to fetch token: unexpected status from GET request to ${token.tokenServer!.url}/token\\?service=k8ts-test-registry&scope=repository%3Aprivate%2Fapp%3Apull: 401 Unauthorized`));
    return true;
  });
});

test('token auth with anonymous pulls allowed', async () => {
  const open2 = await startRegistry({ token: { users: [alice], anonymousPull: true } });
  try {
    await pushImage(open2.url, 'public/app', '1', image, alice);
    const info = await (await open()).ensureImage(`${open2.host}/public/app:1`, 'IfNotPresent');
    assert.equal(info.configDigest, image.configDigest);
  } finally {
    await open2.stop();
  }
});

test('imagePullSecrets: a dockerconfigjson secret unlocks the registry', async () => {
  const secret = {
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [token.host]: { auth: Buffer.from('alice:wonder:land').toString('base64') } } })).toString('base64') },
  };
  const auth = lookupKeyring(keyringFromSecrets([secret]), `${token.host}/private/app`);
  assert.equal(auth.length, 1);
  const info = await (await open()).ensureImage(`${token.host}/private/app:1`, 'Always', { auth });
  assert.equal(info.configDigest, image.configDigest);
});

test('the /v2/ ping and a manifest fetch, directly', async () => {
  const [ep] = await resolveEndpoints(parseRegistriesConfig(''), basic.host);
  const client = new RegistryClient(ep!, 'private/app', alice);
  const m = await client.getManifest('1');
  assert.equal(m.digest, image.manifestDigest);
  assert.equal(m.contentType, 'application/vnd.oci.image.manifest.v1+json');
  const byDigest = await client.getManifest(image.manifestDigest);
  assert.deepEqual(byDigest.body, image.manifest);
  assert.deepEqual(await client.getBlobBuffer(image.configDigest), image.config);
});

test('TLS: self-signed registries need ca_file or insecure_skip_verify; insecure ones fall back to plain HTTP', async () => {
  // A TLS front for the htpasswd registry, with a throwaway self-signed certificate.
  const key = join(work, 'tls.key');
  const cert = join(work, 'tls.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const front = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const up = http.request(`${basic.url}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const tlsHost = `127.0.0.1:${(front.address() as { port: number }).port}`;
  try {
    const mirrorOf = (endpoint: string, tls: string) =>
      parseRegistriesConfig(`mirrors:\n  example.com:\n    endpoint: ["${endpoint}"]\nconfigs:\n  "${new URL(endpoint).host}":\n    auth: {username: alice, password: "wonder:land"}\n    tls: ${tls}\n`);
    const pull = async (registries: ReturnType<typeof parseRegistriesConfig>) =>
      (await open({ registries, disableDefaultEndpoint: true })).ensureImage('example.com/private/app:1', 'IfNotPresent');
    await assert.rejects(pull(mirrorOf(`https://${tlsHost}`, '{}')), /failed to do request: GET https:\/\/127\.0\.0\.1:\d+\/v2\/: self[- ]signed certificate/);
    assert.equal((await pull(mirrorOf(`https://${tlsHost}`, `{ca_file: "${cert}"}`))).configDigest, image.configDigest);
    assert.equal((await pull(mirrorOf(`https://${tlsHost}`, '{insecure_skip_verify: true}'))).configDigest, image.configDigest);
    // The plain-HTTP registry named with https://, marked insecure: TLS fails, HTTP is used.
    assert.equal((await pull(mirrorOf(`https://${basic.host}`, '{insecure_skip_verify: true}'))).configDigest, image.configDigest);
    await assert.rejects(pull(mirrorOf(`https://${basic.host}`, '{}')), /failed to do request/);
  } finally {
    front.closeAllConnections();
    await new Promise((r) => front.close(r));
  }
});
