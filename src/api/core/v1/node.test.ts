import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodes } from './node.js';
import { causes, make, now } from './test-util.js';

const status = {
  conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
  addresses: [{ type: 'InternalIP', address: '192.168.1.10' }, { type: 'Hostname', address: 'node1' }],
  nodeInfo: { kubeletVersion: 'v1.31.0-k8ts', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-18-amd64', containerRuntimeVersion: 'runc://1.1.12' },
  capacity: { cpu: '4', memory: '8Gi', pods: '110' },
};

describe('nodes', () => {
  it('copies capacity into missing allocatable and syncs podCIDRs', () => {
    const n = make(nodes, { metadata: { name: 'node1' }, spec: { podCIDR: '10.42.0.0/24' }, status: structuredClone(status) });
    assert.deepEqual((n.status as any).allocatable, status.capacity);
    assert.deepEqual((n.spec as any).podCIDRs, ['10.42.0.0/24']);
    assert.deepEqual(nodes.validate!(n), []);
  });

  it('prints status, roles and the wide columns', () => {
    const n = make(nodes, { metadata: { name: 'node1', labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': '' } }, status }, 60 * 24 * 12);
    assert.deepEqual(nodes.cells!(n, now), [
      'node1', 'Ready', 'control-plane,master', '12d', 'v1.31.0-k8ts', '192.168.1.10', '<none>',
      'Debian GNU/Linux 12 (bookworm)', '6.1.0-18-amd64', 'runc://1.1.12',
    ]);
    (n.spec as any).unschedulable = true;
    assert.equal(nodes.cells!(n, now)[1], 'Ready,SchedulingDisabled');
    assert.equal(nodes.fieldSelectors!['spec.unschedulable']!(n), 'true');
    const fresh = make(nodes, { metadata: { name: 'node2' } });
    assert.deepEqual(nodes.cells!(fresh, now).slice(1, 3), ['Unknown', '<none>']);
    assert.deepEqual(nodes.cells!(fresh, now).slice(7), ['<unknown>', '<unknown>', '<unknown>']);
  });

  it('validates taints and keeps podCIDRs once set', () => {
    const bad = make(nodes, { metadata: { name: 'n' }, spec: { taints: [{ key: 'k', effect: 'Sometimes' }] } });
    assert.deepEqual(causes(nodes.validate!(bad)), [
      'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ]);
    const old = make(nodes, { metadata: { name: 'n' }, spec: { podCIDR: '10.42.0.0/24' } });
    const next = make(nodes, { metadata: { name: 'n' }, spec: { podCIDR: '10.42.1.0/24' } });
    assert.deepEqual(causes(nodes.validateUpdate!(next, old)), ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid']);
  });
});
