import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpointLabel, ipFromDashes, parseClusterName } from './query-name.js';
import { ipFromReverseName } from './reverse-name.js';

const z = 'cluster.local';

describe('parseClusterName', () => {
  it('reads services, endpoints, ports and pods from the right', () => {
    assert.deepEqual(parseClusterName('cluster.local', z), { kind: 'apex' });
    assert.deepEqual(parseClusterName('svc.cluster.local', z), { kind: 'apex' });
    assert.deepEqual(parseClusterName('default.svc.cluster.local', z), { kind: 'namespace', section: 'svc', namespace: 'default' });
    assert.deepEqual(parseClusterName('web.default.svc.cluster.local', z), { kind: 'service', namespace: 'default', service: 'web' });
    assert.deepEqual(parseClusterName('db-0.db.default.svc.cluster.local', z), { kind: 'endpoint', namespace: 'default', service: 'db', endpoint: 'db-0' });
    assert.deepEqual(parseClusterName('_http._tcp.web.default.svc.cluster.local', z), { kind: 'port', namespace: 'default', service: 'web', port: 'http', protocol: 'tcp' });
    assert.deepEqual(parseClusterName('10-1-2-3.default.pod.cluster.local', z), { kind: 'pod', namespace: 'default', pod: '10-1-2-3' });
    assert.deepEqual(parseClusterName('a.b.c.web.default.svc.cluster.local', z), { kind: 'invalid' });
    assert.deepEqual(parseClusterName('example.com.cluster.local', z), { kind: 'invalid' });
  });
});

describe('IP spellings', () => {
  it('reads dashed and reverse names, writes endpoint labels', () => {
    assert.equal(ipFromDashes('10-42-0-5'), '10.42.0.5');
    assert.equal(ipFromDashes('fd00--1'), 'fd00::1');
    assert.equal(ipFromDashes('web-1'), undefined);
    assert.equal(ipFromReverseName('10.0.43.10.in-addr.arpa'), '10.43.0.10');
    assert.equal(ipFromReverseName('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa'), 'fd00::1');
    assert.equal(ipFromReverseName('43.10.in-addr.arpa'), undefined);
    assert.equal(endpointLabel('10.42.0.5'), '10-42-0-5');
    assert.equal(endpointLabel('fd00::5'), 'fd00--5');
    assert.equal(endpointLabel('10.42.0.5', 'db-0'), 'db-0');
  });
});
