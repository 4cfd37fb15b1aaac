import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familiarName, invalidImageNameMessage, InvalidReferenceError, parseImageRef } from './image-ref.js';

const digest = `sha256:${'a'.repeat(64)}`;

test('short names normalise like Docker and containerd', () => {
  const cases: [string, string, Partial<ReturnType<typeof parseImageRef>>][] = [
    ['busybox', 'docker.io/library/busybox:latest', { domain: 'docker.io', path: 'library/busybox', tag: 'latest' }],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', { tag: '1.36' }],
    ['rancher/k3s:v1.30', 'docker.io/rancher/k3s:v1.30', { path: 'rancher/k3s' }],
    ['index.docker.io/library/nginx', 'docker.io/library/nginx:latest', { domain: 'docker.io' }],
    ['docker.io/nginx', 'docker.io/library/nginx:latest', { path: 'library/nginx' }],
    ['localhost/app', 'localhost/app:latest', { domain: 'localhost', path: 'app' }],
    ['127.0.0.1:5000/team/app:2', '127.0.0.1:5000/team/app:2', { domain: '127.0.0.1:5000', path: 'team/app', tag: '2' }],
    [`host:5000/x@${digest}`, `host:5000/x@${digest}`, { domain: 'host:5000', tag: undefined, digest }],
    [`busybox:1.36@${digest}`, `docker.io/library/busybox:1.36@${digest}`, { tag: '1.36', digest }],
    ['ghcr.io/a_b/c-d.e__f:v1.0-rc_1', 'ghcr.io/a_b/c-d.e__f:v1.0-rc_1', { domain: 'ghcr.io' }],
    ['[::1]:5000/app', '[::1]:5000/app:latest', { domain: '[::1]:5000' }],
  ];
  for (const [input, ref, parts] of cases) {
    const r = parseImageRef(input);
    assert.equal(r.ref, ref, input);
    for (const [k, v] of Object.entries(parts)) assert.deepEqual(r[k as keyof typeof r], v, `${input}: ${k}`);
    assert.equal(r.name, `${r.domain}/${r.path}`);
  }
});

test('bad references fail with distribution wording', () => {
  const cases: [string, string][] = [
    ['Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase'],
    ['busybox:', 'invalid reference format'],
    ['busy box', 'invalid reference format'],
    ['-busybox', 'invalid reference format'],
    ['a'.repeat(64), `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
    ['busybox@sha256:abc', 'invalid reference format'],
    [`busybox@sha256:${'a'.repeat(63)}`, 'invalid checksum digest length'],
    [`busybox@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    ['', 'repository name must have at least one component'],
    [`x/${'a'.repeat(260)}`, 'repository name must not be more than 255 characters'],
    [`busybox:${'t'.repeat(129)}`, 'invalid reference format'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseImageRef(input), (err: unknown) => err instanceof InvalidReferenceError && err.message === message, input);
  }
});

test('InvalidImageName messages are the kubelet\'s', () => {
  assert.equal(invalidImageNameMessage('busybox:1.36'), undefined);
  assert.equal(
    invalidImageNameMessage('BusyBox'),
    'Failed to apply default image tag "BusyBox": couldn\'t parse image name "BusyBox": invalid reference format: repository name (library/BusyBox) must be lowercase',
  );
  assert.equal(invalidImageNameMessage('a b'), 'Failed to apply default image tag "a b": couldn\'t parse image name "a b": invalid reference format');
});

test('familiar names drop docker.io and library/', () => {
  assert.equal(familiarName('docker.io/library/busybox'), 'busybox');
  assert.equal(familiarName('docker.io/rancher/k3s'), 'rancher/k3s');
  assert.equal(familiarName('127.0.0.1:5000/app'), '127.0.0.1:5000/app');
});
