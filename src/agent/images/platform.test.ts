import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPlatform, hostPlatform, parsePlatform, selectManifest } from './platform.js';
import type { Descriptor } from './oci-types.js';

const d = (digest: string, platform?: Descriptor['platform']): Descriptor => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1, platform });

test('picks the platform, skipping attestations and other architectures', () => {
  const list = [d('arm', { os: 'linux', architecture: 'arm', variant: 'v7' }), d('att', { os: 'unknown', architecture: 'unknown' }), d('arm64', { os: 'linux', architecture: 'arm64', variant: 'v8' }), d('amd64', { os: 'linux', architecture: 'amd64' }), d('none')];
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'amd64' })?.digest, 'amd64');
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'arm64' })?.digest, 'arm64');
  assert.equal(selectManifest(list, { os: 'windows', architecture: 'amd64' }), undefined);
  assert.equal(selectManifest([d('v3', { os: 'linux', architecture: 'amd64', variant: 'v3' })], { os: 'linux', architecture: 'amd64' })?.digest, 'v3');
});

test('host platform and formatting', () => {
  if (process.arch === 'x64') assert.deepEqual(hostPlatform(), { os: 'linux', architecture: 'amd64' });
  assert.equal(formatPlatform(parsePlatform('linux/arm64/v8')), 'linux/arm64/v8');
  assert.throws(() => parsePlatform('linux'), /invalid platform/);
});
