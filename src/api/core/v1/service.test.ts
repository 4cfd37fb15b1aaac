import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../types.js';
import { services } from './service.js';

const now = Date.parse('2024-05-01T12:00:00Z');

function svc(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  const s: KubeObject = { metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:55:00Z' }, spec };
  if (status) s.status = status;
  services.defaults!(s);
  return s;
}

const messages = (o: KubeObject) => services.validate!(o).map((e) => `${e.field}: ${e.message}`);

describe('services', () => {
  it('defaults type, affinity, protocol, targetPort and policies', () => {
    const s = svc({ type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] });
    assert.deepEqual(s.spec, {
      type: 'NodePort',
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      sessionAffinity: 'None',
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
    const plain = svc({ ports: [{ port: 80, targetPort: 'http' }] });
    assert.equal((plain.spec as any).type, 'ClusterIP');
    assert.equal((plain.spec as any).ports[0].targetPort, 'http');
    assert.equal((plain.spec as any).externalTrafficPolicy, undefined);
  });

  it('validates ports, types and names', () => {
    assert.deepEqual(messages(svc({})), ['spec.ports: Required value']);
    assert.deepEqual(messages(svc({ clusterIP: 'None' })), []);
    assert.deepEqual(messages(svc({ type: 'ExternalName', externalName: 'db.example.com' })), []);
    assert.deepEqual(messages(svc({ ports: [{ port: 0 }] })), [
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      // targetPort defaults to the port, so it is wrong too, as in Kubernetes.
      'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
    assert.deepEqual(messages(svc({ type: 'Magic', ports: [{ port: 80 }] })), [
      'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
    assert.deepEqual(messages(svc({ ports: [{ port: 80, nodePort: 30080 }] })), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
    assert.deepEqual(messages(svc({ ports: [{ port: 80 }, { port: 81 }] })), ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']);
    assert.deepEqual(messages(svc({ ports: [{ port: 80, protocol: 'ICMP' }] })), [
      'spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ]);
    assert.ok(services.validateName!('1web').length > 0);
  });

  it('keeps the cluster IP and node ports on update', () => {
    const old = svc({ type: 'NodePort', clusterIP: '10.43.0.10', ports: [{ port: 80, nodePort: 30080 }] });
    const next = svc({ type: 'NodePort', ports: [{ port: 80 }] });
    services.prepareForUpdate!(next, old);
    assert.equal((next.spec as any).clusterIP, '10.43.0.10');
    assert.equal((next.spec as any).ports[0].nodePort, 30080);
    assert.deepEqual(services.validateUpdate!(next, old), []);
    const moved = svc({ type: 'NodePort', clusterIP: '10.43.0.11', ports: [{ port: 80 }] });
    services.prepareForUpdate!(moved, old);
    assert.deepEqual(
      services.validateUpdate!(moved, old).map((e) => `${e.field}: ${e.message}`),
      ['spec.clusterIPs[0]: Invalid value: []string{"10.43.0.11"}: may not change once set'],
    );
  });

  it('prints the kubectl columns', () => {
    const c = svc({ clusterIP: '10.43.0.10', selector: { app: 'web' }, ports: [{ port: 80 }] });
    assert.deepEqual(services.cells!(c, now), ['web', 'ClusterIP', '10.43.0.10', '<none>', '80/TCP', '5m', 'app=web']);
    const np = svc({ type: 'NodePort', clusterIP: '10.43.0.11', ports: [{ port: 80, nodePort: 30080, name: 'http' }, { port: 443, nodePort: 30443, name: 'https' }] });
    assert.equal(services.cells!(np, now)[4], '80:30080/TCP,443:30443/TCP');
    assert.equal(services.cells!(np, now)[6], '<none>');
    const lb = svc({ type: 'LoadBalancer', clusterIP: '10.43.0.12', ports: [{ port: 80, nodePort: 31000 }] });
    assert.equal(services.cells!(lb, now)[3], '<pending>');
    lb.status = { loadBalancer: { ingress: [{ ip: '192.168.1.50' }] } };
    assert.equal(services.cells!(lb, now)[3], '192.168.1.50');
    const headless = svc({ clusterIP: 'None', selector: { app: 'db' } });
    assert.deepEqual(services.cells!(headless, now).slice(2, 5), ['None', '<none>', '<none>']);
    const ext = svc({ type: 'ExternalName', externalName: 'db.example.com' });
    assert.deepEqual(services.cells!(ext, now).slice(2, 4), ['<none>', 'db.example.com']);
  });

  it('selects on spec.clusterIP and spec.type', () => {
    const c = svc({ clusterIP: '10.43.0.10', ports: [{ port: 80 }] });
    assert.equal(services.fieldSelectors!['spec.clusterIP']!(c), '10.43.0.10');
    assert.equal(services.fieldSelectors!['spec.type']!(c), 'ClusterIP');
  });
});
