import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secrets } from './secret.js';
import { causes, make, now } from './test-util.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('secrets', () => {
  it('defaults the type and folds stringData into data', () => {
    const s = make(secrets, { data: { a: b64('old'), b: b64('keep') }, stringData: { a: 'new' } });
    assert.equal(s.type, 'Opaque');
    assert.deepEqual(s.data, { a: b64('new'), b: b64('keep') });
    assert.equal(s.stringData, undefined);
  });

  it('validates keys and type-specific contents', () => {
    assert.deepEqual(causes(secrets.validate!(make(secrets, { data: { 'bad key': b64('x') } }))).length, 1);
    assert.deepEqual(causes(secrets.validate!(make(secrets, { type: 'kubernetes.io/dockerconfigjson', data: {} }))), ['data[.dockerconfigjson]: Required value']);
    const broken = make(secrets, { type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{nope' } });
    assert.match(causes(secrets.validate!(broken))[0]!, /^data\[\.dockerconfigjson\]: Invalid value: "<secret contents redacted>": /);
    assert.deepEqual(causes(secrets.validate!(make(secrets, { type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } }))), ['data[tls.key]: Required value']);
    assert.deepEqual(causes(secrets.validate!(make(secrets, { type: 'kubernetes.io/service-account-token' }))), [
      'metadata.annotations[kubernetes.io/service-account.name]: Required value',
    ]);
  });

  it('keeps the type and immutable data', () => {
    const old = make(secrets, { immutable: true, data: { a: b64('1') } });
    const next = make(secrets, { type: 'kubernetes.io/tls', immutable: true, data: { a: b64('2') } });
    assert.deepEqual(causes(secrets.validateUpdate!(next, old)), [
      'type: Invalid value: "kubernetes.io/tls": field is immutable',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });

  it('prints NAME TYPE DATA AGE and selects on type', () => {
    const s = make(secrets, { metadata: { name: 'creds', namespace: 'default' }, stringData: { u: 'a', p: 'b' } }, 90);
    assert.deepEqual(secrets.cells!(s, now), ['creds', 'Opaque', 2, '90m']);
    assert.equal(secrets.fieldSelectors!.type!(s), 'Opaque');
  });
});
