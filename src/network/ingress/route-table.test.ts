import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import { rewritePath } from './annotations.js';
import type { ServiceLookup } from './backends.js';
import { hostMatches, normalizeHost } from './host-match.js';
import { compilePath, matchPath } from './path-match.js';
import { buildRouteTable, findRoute } from './route-table.js';

describe('path matching', () => {
  it('Prefix matches whole elements, ignoring a trailing slash', () => {
    const p = compilePath('/foo/bar/', 'Prefix', false);
    for (const ok of ['/foo/bar', '/foo/bar/', '/foo/bar/baz']) assert.ok(matchPath(p, ok), ok);
    for (const no of ['/foo/barbaz', '/foo', '/foo/ba', '/']) assert.ok(!matchPath(p, no), no);
    assert.ok(matchPath(compilePath('/', 'Prefix', false), '/anything'));
    assert.ok(matchPath(compilePath('/aaa', 'ImplementationSpecific', false), '/aaa/bbb'));
  });

  it('Exact is exact and case-sensitive; regex paths are anchored and case-insensitive', () => {
    const e = compilePath('/foo', 'Exact', false);
    assert.ok(matchPath(e, '/foo'));
    assert.ok(!matchPath(e, '/foo/') && !matchPath(e, '/FOO'));
    const r = compilePath('/api(/|$)(.*)', 'ImplementationSpecific', true);
    assert.ok(matchPath(r, '/API/x') && !matchPath(r, '/v1/api'));
    assert.equal(rewritePath(r.regex, '/$2', '/api/users', '?a=1'), '/users?a=1');
    assert.equal(rewritePath(compilePath('/old', 'Prefix', true).regex, '/', '/old/thing', ''), '/');
  });
});

describe('host matching', () => {
  it('wildcards cover exactly one label', () => {
    assert.ok(hostMatches('*.foo.com', 'bar.foo.com'));
    assert.ok(!hostMatches('*.foo.com', 'baz.bar.foo.com'));
    assert.ok(!hostMatches('*.foo.com', 'foo.com'));
    assert.equal(normalizeHost('My.Domain:8080'), 'my.domain');
    assert.equal(normalizeHost('[::1]:80'), '::1');
  });
});

describe('buildRouteTable', () => {
  const lookup: ServiceLookup = {
    service: (ns, name) => ({ metadata: { namespace: ns, name }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } }),
    slices: () => [],
  };
  const ing = (name: string, ts: string, spec: Record<string, unknown>): KubeObject => ({ metadata: { name, namespace: 'default', creationTimestamp: ts }, spec });
  const rule = (host: string, paths: [string, string, string][]) => ({
    host,
    http: { paths: paths.map(([path, pathType, svc]) => ({ path, pathType, backend: { service: { name: svc, port: { number: 80 } } } })) },
  });

  it('merges hosts across Ingresses, the oldest winning a duplicate path', () => {
    const t = buildRouteTable(
      [ing('new', '2025-01-02T00:00:00Z', { rules: [rule('a.com', [['/x', 'Prefix', 'new-x'], ['/y', 'Prefix', 'new-y']])] }), ing('old', '2025-01-01T00:00:00Z', { rules: [rule('a.com', [['/x', 'Prefix', 'old-x']])] })],
      lookup,
    );
    assert.equal(findRoute(t, 'a.com', '/x/1').route?.backend.service, 'old-x');
    assert.equal(findRoute(t, 'a.com', '/y').route?.backend.service, 'new-y');
  });

  it('prefers Exact over a longer Prefix, and the longest Prefix', () => {
    const t = buildRouteTable([ing('i', '2025-01-01T00:00:00Z', { rules: [rule('', [['/', 'Prefix', 'root'], ['/a/b', 'Prefix', 'ab'], ['/a', 'Exact', 'exact-a'], ['/a', 'Prefix', 'a']])] })], lookup);
    assert.equal(findRoute(t, 'any', '/a').route?.backend.service, 'exact-a');
    assert.equal(findRoute(t, 'any', '/a/').route?.backend.service, 'a');
    assert.equal(findRoute(t, 'any', '/a/b/c').route?.backend.service, 'ab');
    assert.equal(findRoute(t, 'any', '/z').route?.backend.service, 'root');
  });

  it('uses an Ingress defaultBackend for its hosts and for unknown hosts', () => {
    const t = buildRouteTable([ing('i', '2025-01-01T00:00:00Z', { defaultBackend: { service: { name: 'def', port: { number: 80 } } }, rules: [rule('a.com', [['/x', 'Exact', 'x']])] })], lookup);
    assert.equal(findRoute(t, 'a.com', '/other').route?.backend.service, 'def');
    assert.equal(findRoute(t, 'b.com', '/').route?.backend.service, 'def');
  });

  it('resolves the Service port to the numeric targetPort without slices', () => {
    const svcLookup: ServiceLookup = {
      ...lookup,
      slices: () => [{ metadata: { name: 's' }, addressType: 'IPv4', ports: [{ name: 'http', port: 9090, protocol: 'TCP' }], endpoints: [{ addresses: ['10.42.0.1'] }, { addresses: ['10.42.0.2'], conditions: { ready: false } }] }],
    };
    const t = buildRouteTable([ing('i', '2025-01-01T00:00:00Z', { rules: [rule('a.com', [['/', 'Prefix', 'svc']])] })], svcLookup);
    assert.deepEqual(findRoute(t, 'a.com', '/').route?.backend.endpoints, [{ host: '10.42.0.1', port: 9090 }]);
  });
});
