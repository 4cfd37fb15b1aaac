import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import { parseResolvConf, renderResolvConf } from './resolv-conf.js';

const host = 'domain corp\nsearch corp.example. lab.example\nnameserver 192.0.2.1\nnameserver 192.0.2.2 # second\noptions edns0 timeout:2\n';
const input = { clusterDNS: ['10.43.0.10'], clusterDomain: 'cluster.local', hostResolvConf: host };

function pod(spec: Record<string, unknown>, namespace = 'shop'): KubeObject {
  return { metadata: { name: 'p', namespace }, spec: { containers: [], ...spec } };
}

describe('parseResolvConf', () => {
  it('reads nameservers, the last search line and options like the kubelet', () => {
    assert.deepEqual(parseResolvConf(host), { nameservers: ['192.0.2.1', '192.0.2.2'], searches: ['corp.example', 'lab.example'], options: ['edns0', 'timeout:2'] });
    assert.deepEqual(parseResolvConf('search a\nsearch b .\n').searches, ['b']);
  });
});

describe('renderResolvConf', () => {
  it('ClusterFirst: cluster DNS, the namespace search path plus the host one, ndots:5', () => {
    assert.equal(
      renderResolvConf(pod({}), input),
      'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example\nnameserver 10.43.0.10\noptions ndots:5\n',
    );
    assert.equal(renderResolvConf(pod({ dnsPolicy: 'ClusterFirst' }), input), renderResolvConf(pod({}), input));
  });

  it('Default and ClusterFirst on the host network copy the node', () => {
    const expected = 'search corp.example lab.example\nnameserver 192.0.2.1\nnameserver 192.0.2.2\noptions edns0 timeout:2\n';
    assert.equal(renderResolvConf(pod({ dnsPolicy: 'Default' }), input), expected);
    assert.equal(renderResolvConf(pod({ hostNetwork: true }), input), expected);
  });

  it('ClusterFirstWithHostNet keeps cluster DNS on the host network', () => {
    assert.match(renderResolvConf(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), input), /^nameserver 10\.43\.0\.10$/m);
  });

  it('None takes only dnsConfig', () => {
    const p = pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['ns1.svc.cluster-domain.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } });
    assert.equal(renderResolvConf(p, input), 'search ns1.svc.cluster-domain.example\nnameserver 1.2.3.4\noptions ndots:2 edns0\n');
  });

  it('merges dnsConfig into ClusterFirst: pod options override by name, duplicates dropped', () => {
    const p = pod({ dnsConfig: { nameservers: ['10.43.0.10', '192.0.2.9'], searches: ['cluster.local', 'extra.example'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request-reopen' }] } });
    assert.equal(
      renderResolvConf(p, input),
      'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example extra.example\nnameserver 10.43.0.10\nnameserver 192.0.2.9\noptions ndots:1 single-request-reopen\n',
    );
  });

  it('falls back to the node without a cluster DNS, and caps nameservers at three', () => {
    assert.match(renderResolvConf(pod({}), { ...input, clusterDNS: [] }), /^nameserver 192\.0\.2\.1$/m);
    const p = pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'] } });
    assert.equal(renderResolvConf(p, input).match(/nameserver/g)!.length, 3);
  });
});
