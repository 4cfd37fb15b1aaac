import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digestOf, sha256Digest, shortDigest, validateDigest } from './digest.js';

test('digest validation uses go-digest wording', () => {
  assert.equal(validateDigest(sha256Digest('x')), undefined);
  assert.equal(validateDigest('sha256'), 'invalid checksum digest format');
  assert.equal(validateDigest('sha256:'), 'invalid checksum digest format');
  assert.equal(validateDigest(`sha256:${'A'.repeat(64)}`), 'invalid checksum digest format');
  assert.equal(validateDigest('sha256:abc'), 'invalid checksum digest length');
  assert.equal(validateDigest(`foo:${'a'.repeat(64)}`), 'unsupported digest algorithm');
  assert.equal(validateDigest(`sha512:${'a'.repeat(128)}`), undefined);
});

test('hashing and abbreviations', () => {
  assert.equal(sha256Digest(''), 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(digestOf(Buffer.from(''), `sha512:${'a'.repeat(128)}`).length, 7 + 128);
  assert.equal(shortDigest('sha256:0123456789abcdef'), '0123456789ab');
  assert.equal(shortDigest('sha256:0123456789abcdef', 13), '0123456789abc');
});
