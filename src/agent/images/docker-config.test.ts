import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryAuth, keyringFromSecrets, lookupKeyring } from './docker-config.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const dockerconfigjson = (auths: Record<string, unknown>) => ({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) } });

test('auth is base64 user:pass; explicit fields win', () => {
  assert.deepEqual(entryAuth({ auth: b64('alice:s3cr:et') }), { username: 'alice', password: 's3cr:et', identityToken: undefined, token: undefined });
  assert.deepEqual(entryAuth({ username: 'bob', password: 'pw', auth: b64('alice:x') }), { username: 'bob', password: 'pw', identityToken: undefined, token: undefined });
  assert.equal(entryAuth({ email: 'x' } as never), undefined);
});

test('keyring matches hosts, ports, globs and path prefixes, most specific first', () => {
  const ring = keyringFromSecrets([
    dockerconfigjson({
      'registry.example.com': { username: 'host' },
      'registry.example.com/team': { username: 'team' },
      '*.corp.example': { username: 'glob' },
      'localhost:5000': { username: 'port' },
      'https://index.docker.io/v1/': { username: 'hub' },
    }),
    { type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64(JSON.stringify({ 'old.example.com': { auth: b64('legacy:pw') } })) } },
    { type: 'Opaque', data: { x: 'eA==' } },
    { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{not json') } },
  ]);
  const users = (image: string) => lookupKeyring(ring, image).map((a) => a.username);
  assert.deepEqual(users('registry.example.com/team/app'), ['team', 'host']);
  assert.deepEqual(users('registry.example.com/other/app'), ['host']);
  assert.deepEqual(users('a.corp.example/app'), ['glob']);
  assert.deepEqual(users('a.b.corp.example/app'), []);
  assert.deepEqual(users('localhost:5000/app'), ['port']);
  assert.deepEqual(users('localhost:5001/app'), []);
  assert.deepEqual(users('docker.io/library/busybox'), ['hub']);
  assert.deepEqual(users('old.example.com/x'), ['legacy']);
});
