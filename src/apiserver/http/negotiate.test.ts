import { test } from 'node:test';
import assert from 'node:assert/strict';
import { negotiate } from './negotiate.js';
import { ApiError } from '../errors.js';

test('kubectl table request picks Table v1', () => {
  const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  assert.deepEqual(negotiate(accept, true), { encoding: 'json', as: 'Table', asVersion: 'v1' });
});

test('typed clients prefer protobuf and fall back to JSON', () => {
  const accept = 'application/vnd.kubernetes.protobuf,application/json';
  assert.deepEqual(negotiate(accept, true), { encoding: 'protobuf' });
  assert.deepEqual(negotiate(accept, false), { encoding: 'json' });
});

test('no Accept means JSON; an impossible Accept is 406', () => {
  assert.deepEqual(negotiate(undefined, true), { encoding: 'json' });
  assert.throws(() => negotiate('text/html', true), (e: unknown) => e instanceof ApiError && e.code === 406);
});
