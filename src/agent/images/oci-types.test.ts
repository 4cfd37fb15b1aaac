import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerCompression, mediaTypes, parseManifest } from './oci-types.js';

const desc = { mediaType: 'x', digest: `sha256:${'0'.repeat(64)}`, size: 1 };
const buf = (v: unknown) => Buffer.from(JSON.stringify(v));

test('manifests and indexes are told apart by header, body or shape', () => {
  assert.equal(parseManifest(buf({ schemaVersion: 2, config: desc, layers: [desc] }), mediaTypes.dockerManifest).kind, 'manifest');
  assert.equal(parseManifest(buf({ schemaVersion: 2, mediaType: mediaTypes.dockerList, manifests: [desc] })).kind, 'index');
  assert.equal(parseManifest(buf({ schemaVersion: 2, manifests: [] }), 'application/json').kind, 'index');
  assert.equal(parseManifest(buf({ schemaVersion: 2, config: desc, layers: [] })).mediaType, mediaTypes.ociManifest);
});

test('schema 1, garbage and broken descriptors are refused', () => {
  assert.throws(() => parseManifest(buf({ schemaVersion: 1, fsLayers: [] })), /schema 1 are not supported/);
  assert.throws(() => parseManifest(Buffer.from('<html>')), /not JSON/);
  assert.throws(() => parseManifest(buf({ schemaVersion: 2, config: { digest: 1 }, layers: [] }), mediaTypes.ociManifest), /config is not a valid descriptor/);
});

test('layer compression from media types', () => {
  assert.equal(layerCompression(mediaTypes.dockerLayerGzip), 'gzip');
  assert.equal(layerCompression(mediaTypes.ociLayerGzip), 'gzip');
  assert.equal(layerCompression(mediaTypes.ociLayer), 'none');
  assert.equal(layerCompression(mediaTypes.ociLayerZstd), 'zstd');
  assert.equal(layerCompression('application/octet-stream'), 'unknown');
});
