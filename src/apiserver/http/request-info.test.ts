import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from './request-info.js';

const q = (s = '') => new URLSearchParams(s);

test('core and group paths resolve to resource requests', () => {
  assert.deepEqual(parseRequestInfo('GET', '/api/v1/namespaces/default/pods/web', q()), {
    isResource: true, verb: 'get', group: '', version: 'v1', namespace: 'default', resource: 'pods', name: 'web', rest: [],
  });
  assert.deepEqual(parseRequestInfo('PATCH', '/apis/apps/v1/namespaces/ns1/deployments/web/scale', q()), {
    isResource: true, verb: 'patch', group: 'apps', version: 'v1', namespace: 'ns1', resource: 'deployments', name: 'web', subresource: 'scale', rest: [],
  });
});

test('namespaces themselves and their subresources', () => {
  const ns = parseRequestInfo('GET', '/api/v1/namespaces/default', q());
  assert.equal(ns?.isResource && ns.resource, 'namespaces');
  assert.equal(ns?.isResource && ns.name, 'default');
  const fin = parseRequestInfo('PUT', '/api/v1/namespaces/x/finalize', q());
  assert.equal(fin?.isResource && fin.resource, 'namespaces');
  assert.equal(fin?.isResource && fin.subresource, 'finalize');
  const list = parseRequestInfo('GET', '/api/v1/namespaces', q());
  assert.equal(list?.isResource && list.verb, 'list');
});

test('watch by query or legacy prefix, deletecollection, non-resource paths', () => {
  const w = parseRequestInfo('GET', '/api/v1/pods', q('watch=true'));
  assert.equal(w?.isResource && w.verb, 'watch');
  const w2 = parseRequestInfo('GET', '/api/v1/watch/namespaces/a/pods', q());
  assert.equal(w2?.isResource && w2.verb, 'watch');
  assert.equal(w2?.isResource && w2.namespace, 'a');
  const dc = parseRequestInfo('DELETE', '/api/v1/namespaces/a/configmaps', q());
  assert.equal(dc?.isResource && dc.verb, 'deletecollection');
  assert.deepEqual(parseRequestInfo('GET', '/healthz', q()), { isResource: false, path: '/healthz', verb: 'get' });
  assert.equal(parseRequestInfo('GET', '/api', q())?.isResource, false);
});
