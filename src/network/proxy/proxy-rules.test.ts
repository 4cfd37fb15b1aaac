import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import { ElementTable } from './element-table.js';
import { renderPort } from './proxy-rules.js';
import { endpointsFor, type ServicePortModel, servicePorts, usableEndpoints } from './service-model.js';

function model(over: Partial<ServicePortModel> = {}): ServicePortModel {
  return {
    key: 'default/web/tcp/http',
    serviceKey: 'default/web',
    protocol: 'tcp',
    port: 80,
    clusterIPs: ['10.43.0.10'],
    externalIPs: [],
    loadBalancerIPs: [],
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    endpoints: [],
    ...over,
  };
}

const ep = (ip: string, nodeName = 'n1', ready = true) => ({ ip, port: 8080, nodeName, ready, serving: ready, terminating: false });

describe('servicePorts and endpoints', () => {
  const slice = (endpoints: unknown[], ports: unknown[]): KubeObject => ({ metadata: { name: 's', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', endpoints, ports });

  it('matches slice ports by name and protocol and reads missing conditions as ready', () => {
    const slices = [
      slice([{ addresses: ['10.42.0.5'] }, { addresses: ['10.42.0.6'], conditions: { ready: false } }], [{ name: 'http', port: 8080, protocol: 'TCP' }]),
      slice([{ addresses: ['10.42.0.5'] }], [{ name: 'http', port: 8080, protocol: 'TCP' }]),
      slice([{ addresses: ['10.42.0.7'] }], [{ name: 'dns', port: 53, protocol: 'UDP' }]),
    ];
    const eps = endpointsFor(slices, 'http', 'TCP');
    assert.deepEqual(eps.map((e) => [e.ip, e.ready]), [['10.42.0.5', true], ['10.42.0.6', false]]);
    assert.deepEqual(endpointsFor(slices, 'dns', 'UDP').map((e) => e.ip), ['10.42.0.7']);
    assert.deepEqual(endpointsFor(slices, 'dns', 'TCP'), []);
  });

  it('falls back to serving terminating endpoints when none is ready', () => {
    const eps = [{ ip: 'a', port: 1, ready: false, serving: true, terminating: true }, { ip: 'b', port: 1, ready: false, serving: false, terminating: true }];
    assert.deepEqual(usableEndpoints(eps).map((e) => e.ip), ['a']);
    assert.deepEqual(usableEndpoints([...eps, { ip: 'c', port: 1, ready: true, serving: true, terminating: false }]).map((e) => e.ip), ['c']);
  });

  it('has nothing to proxy for headless and ExternalName services', () => {
    const svc = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'x', namespace: 'default' }, spec });
    assert.deepEqual(servicePorts(svc({ clusterIP: 'None', ports: [{ port: 80 }] }), []), []);
    assert.deepEqual(servicePorts(svc({ type: 'ExternalName', externalName: 'example.com' }), []), []);
    const [p] = servicePorts(svc({ type: 'LoadBalancer', clusterIP: '10.43.0.9', ports: [{ name: 'web', port: 80, nodePort: 30080 }], externalTrafficPolicy: 'Local' }), []);
    assert.equal(p!.key, 'default/x/tcp/web');
    assert.equal(p!.nodePort, 30080);
    assert.equal(p!.externalPolicyLocal, true);
  });
});

describe('renderPort', () => {
  it('rejects a service without endpoints', () => {
    const r = renderPort(model({ nodePort: 30080 }), { nodeName: 'n1' });
    assert.equal(r.chains.size, 0);
    assert.deepEqual(r.elements.map((e) => `${e.map} ${e.key} ${e.value ?? ''}`.trim()), [
      'cluster-ips 10.43.0.10',
      'no-endpoint-services 10.43.0.10 . tcp . 80 goto reject-chain',
      'no-endpoint-nodeports tcp . 30080 goto reject-chain',
    ]);
  });

  it('routes common ports through the shared lb-n chains with map elements only', () => {
    const r = renderPort(model({ nodePort: 30080, externalIPs: ['203.0.113.7'], endpoints: [ep('10.42.0.1'), ep('10.42.0.2', 'n2'), ep('10.42.0.3')] }), { nodeName: 'n1' });
    assert.equal(r.chains.size, 0);
    assert.deepEqual(r.elements.map((e) => `${e.map} ${e.key} ${e.value ?? ''}`.trim()), [
      'cluster-ips 10.43.0.10',
      'service-ips 10.43.0.10 . tcp . 80 goto lb-3',
      'service-endpoints 10.43.0.10 . tcp . 80 . 0 10.42.0.1 . 8080',
      'service-endpoints 10.43.0.10 . tcp . 80 . 1 10.42.0.2 . 8080',
      'service-endpoints 10.43.0.10 . tcp . 80 . 2 10.42.0.3 . 8080',
      'service-ips 203.0.113.7 . tcp . 80 goto external-lb-3',
      'service-endpoints 203.0.113.7 . tcp . 80 . 0 10.42.0.1 . 8080',
      'service-endpoints 203.0.113.7 . tcp . 80 . 1 10.42.0.2 . 8080',
      'service-endpoints 203.0.113.7 . tcp . 80 . 2 10.42.0.3 . 8080',
      'service-nodeports tcp . 30080 goto nodeport-lb-3',
      'nodeport-endpoints tcp . 30080 . 0 10.42.0.1 . 8080',
      'nodeport-endpoints tcp . 30080 . 1 10.42.0.2 . 8080',
      'nodeport-endpoints tcp . 30080 . 2 10.42.0.3 . 8080',
    ]);
    // Only endpoints on this node can see their own traffic come back.
    assert.deepEqual(r.hairpinIPs, ['10.42.0.1', '10.42.0.3']);
  });

  it('balances ports with their own chains uniformly with a numgen cascade, or one numgen map for many endpoints', () => {
    const local = renderPort(model({ nodePort: 30080, externalPolicyLocal: true, endpoints: [ep('10.42.0.1'), ep('10.42.0.2'), ep('10.42.0.3')] }), { nodeName: 'n1' });
    const svc = [...local.chains.entries()].find(([n]) => n.startsWith('svc-'))![1];
    assert.deepEqual(svc, [
      'numgen random mod 3 == 0 meta l4proto tcp dnat to 10.42.0.1:8080',
      'numgen random mod 2 == 0 meta l4proto tcp dnat to 10.42.0.2:8080',
      'meta l4proto tcp dnat to 10.42.0.3:8080',
    ]);
    assert.deepEqual(local.hairpinIPs, ['10.42.0.1', '10.42.0.2', '10.42.0.3']);
    const many = renderPort(model({ endpoints: Array.from({ length: 20 }, (_, i) => ep(`10.42.1.${i + 1}`)) }), { nodeName: 'n1' });
    assert.match([...many.chains.values()][0]![0]!, /^meta l4proto tcp dnat ip to numgen random mod 20 map \{ 0 : 10\.42\.1\.1 \. 8080, /);
  });

  it('drops external traffic for Local policy without local endpoints but serves pods and the node', () => {
    const r = renderPort(model({ nodePort: 30080, externalPolicyLocal: true, endpoints: [ep('10.42.5.5', 'n2')] }), { nodeName: 'n1', clusterCIDR: '10.42.0.0/16' });
    const ext = [...r.chains.entries()].find(([n]) => n.startsWith('ext-'))![1];
    assert.deepEqual(ext.slice(-1), ['drop']);
    assert.match(ext[0]!, /^ip saddr 10\.42\.0\.0\/16 goto svc-/);
    assert.ok(r.elements.some((e) => e.map === 'service-nodeports' && e.key === 'tcp . 30080'));
  });

  it('keeps clients on one endpoint with ClientIP affinity', () => {
    const r = renderPort(model({ affinitySeconds: 600, endpoints: [ep('10.42.0.1'), ep('10.42.0.2')] }), { nodeName: 'n1' });
    assert.equal(r.sets.size, 2);
    assert.deepEqual([...r.sets.values()], [600, 600]);
    const sep = [...r.chains.entries()].filter(([n]) => n.startsWith('sep-'));
    assert.equal(sep.length, 2);
    assert.match(sep[0]![1][0]!, /^update @aff-\w+-default\/web\/tcp\/http__10\.42\.0\.1\/8080 \{ ip saddr \}$/);
  });
});

describe('ElementTable', () => {
  it('turns owner changes into deletes before adds, and keeps shared elements while anyone wants them', () => {
    const t = new ElementTable();
    t.set('a', [{ map: 'service-ips', key: 'k1', value: 'goto x' }, { map: 'hairpin', key: 'h . h' }]);
    t.set('b', [{ map: 'hairpin', key: 'h . h' }]);
    assert.deepEqual(t.pending().map((c) => `${c.op} ${c.map} ${c.key}`), ['add service-ips k1', 'add hairpin h . h']);
    t.commit();
    t.set('a', [{ map: 'service-ips', key: 'k1', value: 'goto y' }]);
    assert.deepEqual(t.pending().map((c) => `${c.op} ${c.map} ${c.key} ${c.value ?? ''}`.trim()), ['delete service-ips k1', 'add service-ips k1 goto y']);
    t.commit();
    t.set('b', []);
    assert.deepEqual(t.pending().map((c) => `${c.op} ${c.key}`), ['delete h . h']);
    t.commit();
    assert.deepEqual(t.pending(), []);
  });

  it('lists what a full rewrite loads, one entry per element whoever wants it', () => {
    const t = new ElementTable();
    t.set('b', [{ map: 'service-ips', key: '1.2.3.4 . tcp . 80', value: 'goto lb-2' }, { map: 'cluster-ips', key: '10.43.0.1' }]);
    t.set('a', [{ map: 'service-ips', key: '1.2.3.4 . tcp . 80', value: 'goto lb-1' }]);
    // Two owners of one key: the first by name decides its value.
    assert.deepEqual([...t.allText()], [['service-ips', ['1.2.3.4 . tcp . 80 : goto lb-1']], ['cluster-ips', ['10.43.0.1']]]);
    t.commit(true);
    t.set('a', []);
    assert.deepEqual(t.pending().map((c) => `${c.op} ${c.key} ${c.value ?? ''}`.trim()), ['delete 1.2.3.4 . tcp . 80', 'add 1.2.3.4 . tcp . 80 goto lb-2']);
    t.commit();
    t.set('b', []);
    t.commit();
    assert.deepEqual([...t.allText()], []);
  });
});
