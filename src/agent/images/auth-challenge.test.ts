import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenges } from './auth-challenge.js';

test('Docker Hub bearer challenge', () => {
  assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
  ]);
});

test('basic challenge, several challenges, unquoted and escaped values', () => {
  assert.deepEqual(parseChallenges('Basic realm="k8ts-test"'), [{ scheme: 'basic', params: { realm: 'k8ts-test' } }]);
  assert.deepEqual(parseChallenges(['Basic realm=x', 'Bearer realm="a\\"b", service=s']), [
    { scheme: 'basic', params: { realm: 'x' } },
    { scheme: 'bearer', params: { realm: 'a"b', service: 's' } },
  ]);
  assert.deepEqual(parseChallenges('Basic realm="r", Bearer realm="t"'), [
    { scheme: 'basic', params: { realm: 'r' } },
    { scheme: 'bearer', params: { realm: 't' } },
  ]);
  assert.deepEqual(parseChallenges(undefined), []);
});
