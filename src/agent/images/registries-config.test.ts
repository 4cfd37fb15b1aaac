import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLoopbackHost, loadRegistriesConfig, parseRegistriesConfig, resolveEndpoints, rewriteRepository } from './registries-config.js';

const yaml = `
mirrors:
  docker.io:
    endpoint:
      - "http://127.0.0.1:5000"
      - "mirror.example.com:8443/v2"
    rewrite:
      "^library/(.*)": "mirrored/$1"
  "*":
    endpoint: ["https://catch-all.example"]
configs:
  "127.0.0.1:5000":
    auth: {username: u, password: p}
  "mirror.example.com:8443":
    auth: {auth: "${Buffer.from('x:y').toString('base64')}"}
    tls: {insecure_skip_verify: true}
  "private.example:5000":
    tls: {insecure_skip_verify: true}
`;

test('mirrors come first, then the registry itself; configs attach by host', async () => {
  const cfg = parseRegistriesConfig(yaml);
  const eps = await resolveEndpoints(cfg, 'docker.io');
  assert.deepEqual(eps.map((e) => [e.base, e.host, e.mirror, e.httpFallback]), [
    ['http://127.0.0.1:5000', '127.0.0.1:5000', true, false],
    ['https://mirror.example.com:8443', 'mirror.example.com:8443', true, true],
    ['https://registry-1.docker.io', 'registry-1.docker.io', false, false],
  ]);
  assert.deepEqual(eps[0]!.auth, { username: 'u', password: 'p', token: undefined, identityToken: undefined });
  assert.equal(eps[1]!.auth?.username, 'x');
  assert.equal(eps[1]!.tls?.insecureSkipVerify, true);
  assert.equal(rewriteRepository(eps[0]!, 'library/busybox'), 'mirrored/busybox');
  assert.equal(rewriteRepository(eps[0]!, 'rancher/k3s'), 'rancher/k3s');
  assert.equal(rewriteRepository(eps[2]!, 'library/busybox'), 'library/busybox');

  assert.deepEqual((await resolveEndpoints(cfg, 'docker.io', { disableDefaultEndpoint: true })).map((e) => e.base), ['http://127.0.0.1:5000', 'https://mirror.example.com:8443']);
  assert.deepEqual((await resolveEndpoints(cfg, 'quay.io')).map((e) => e.base), ['https://catch-all.example', 'https://quay.io']);
  const insecure = await resolveEndpoints(parseRegistriesConfig('configs: {"private.example:5000": {tls: {insecure_skip_verify: true}}}'), 'private.example:5000');
  assert.deepEqual(insecure.map((e) => [e.base, e.httpFallback, e.tls?.insecureSkipVerify]), [['https://private.example:5000', true, true]]);
  assert.deepEqual((await resolveEndpoints(parseRegistriesConfig(''), 'localhost:5000')).map((e) => e.base), ['http://localhost:5000']);
});

test('loopback hosts', () => {
  for (const h of ['localhost', 'localhost:5000', '127.0.0.1', '127.1.2.3:80', '[::1]:5000']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['example.com', '10.0.0.1:5000', 'localhost.example']) assert.ok(!isLoopbackHost(h), h);
});

test('a missing file is an empty config; bad YAML is an error naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-regcfg-'));
  try {
    assert.deepEqual(await loadRegistriesConfig(join(dir, 'none.yaml')), { mirrors: {}, configs: {} });
    writeFileSync(join(dir, 'bad.yaml'), 'mirrors:\n  docker.io:\n    endpoint: "not-a-list"\n');
    await assert.rejects(loadRegistriesConfig(join(dir, 'bad.yaml')), /bad\.yaml: mirrors\.docker\.io\.endpoint must be a list/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
