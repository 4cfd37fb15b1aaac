import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import { podRules, policyPod, type PolicyWorld } from './policy-model.js';
import { renderPolicyTable } from './policy-render.js';

function pod(namespace: string, name: string, ip: string, labels: Record<string, string>, nodeName = 'n1'): KubeObject {
  return {
    metadata: { namespace, name, labels },
    spec: { nodeName, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }] },
    status: { phase: 'Running', podIP: ip },
  };
}

function world(policies: KubeObject[]): PolicyWorld {
  const pods = [pod('prod', 'web', '10.42.0.2', { app: 'web' }), pod('dev', 'cli', '10.42.0.3', { app: 'cli' }), pod('prod', 'far', '10.42.1.2', { app: 'web' }, 'n2')];
  return {
    pods: pods.map(policyPod).filter((p) => !!p),
    namespaces: new Map([['prod', { env: 'prod' }], ['dev', { env: 'dev' }]]),
    policies,
  };
}

const np = (name: string, spec: Record<string, unknown>): KubeObject => ({ metadata: { name, namespace: 'prod' }, spec });
const local = (p: { nodeName?: string }) => p.nodeName === 'n1';

describe('policy model', () => {
  it('leaves pods no policy selects open, and isolates only local selected pods', () => {
    assert.deepEqual(podRules(world([]), local), []);
    const rules = podRules(world([np('deny', { podSelector: {} })]), local);
    assert.deepEqual(rules.map((r) => r.pod.key), ['prod/web']);
    assert.deepEqual(rules[0]!.ingress, []);
    assert.equal(rules[0]!.egress, undefined);
  });

  it('defaults policyTypes from the rules present, and unions several policies', () => {
    const rules = podRules(world([
      np('a', { podSelector: { matchLabels: { app: 'web' } }, egress: [{ to: [{ namespaceSelector: { matchLabels: { env: 'dev' } } }] }] }),
      np('b', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }),
    ]), local);
    assert.equal(rules[0]!.egress!.length, 1);
    assert.deepEqual(rules[0]!.egress![0]!.peers, [{ kind: 'ips', ips: ['10.42.0.3'] }]);
    assert.deepEqual(rules[0]!.ingress![0]!.peers, [{ kind: 'ips', ips: ['10.42.0.2', '10.42.1.2'] }]);
  });

  it('renders named ports, endPort, ipBlock except and per-destination egress named ports', () => {
    const w = world([np('p', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.42.0.3/32'] } }], ports: [{ protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 30000, endPort: 30100 }] }],
      egress: [{ ports: [{ protocol: 'UDP', port: 'dns' }] }],
    })]);
    const script = renderPolicyTable('k8ts-policy', podRules(w, local), w.pods);
    assert.match(script, /ip saddr 10\.0\.0\.0\/8 ip saddr != 10\.42\.0\.3\/32 meta l4proto tcp th dport 8080 return/);
    assert.match(script, /meta l4proto tcp th dport 30000-30100 return/);
    assert.match(script, /ip daddr \. meta l4proto \. th dport \{ 10\.42\.0\.2 \. udp \. 53, 10\.42\.0\.3 \. udp \. 53, 10\.42\.1\.2 \. udp \. 53 \} return/);
    assert.match(script, /add element ip k8ts-policy ingress-pods \{ 10\.42\.0\.2 : jump in-\w+-prod\/web \}/);
  });

  it('ignores host-network and finished pods', () => {
    assert.equal(policyPod({ metadata: { name: 'h', namespace: 'x' }, spec: { hostNetwork: true }, status: { podIP: '192.168.1.1' } }), undefined);
    assert.equal(policyPod({ metadata: { name: 'd', namespace: 'x' }, spec: {}, status: { phase: 'Succeeded', podIP: '10.42.0.9' } }), undefined);
  });
});
