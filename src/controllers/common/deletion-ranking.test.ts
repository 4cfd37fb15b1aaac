import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { podsToDelete } from './deletion-ranking.js';

const now = Date.parse('2025-01-01T12:00:00Z');
const ago = (s: number) => new Date(now - s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; readySince?: number; created?: number; restarts?: number; cost?: string } = {}): KubeObject {
  return {
    metadata: { name, uid: name, creationTimestamp: ago(o.created ?? 3600), ...(o.cost ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': o.cost } } : {}) },
    spec: { nodeName: o.node ?? 'n1' },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: ago(o.readySince ?? 600) }],
      containerStatuses: [{ restartCount: o.restarts ?? 0 }],
    },
  };
}

const order = (pods: KubeObject[], related = pods) => podsToDelete(pods, related, pods.length - 1, now).map((p) => p.metadata.name);

test('unscheduled, then pending, then not ready pods go first', () => {
  assert.deepEqual(order([pod('ready'), pod('unscheduled', { node: '' }), pod('pending', { phase: 'Pending' }), pod('unready', { ready: false })]), ['unscheduled', 'pending', 'unready']);
});

test('a lower deletion cost goes first, then pods doubled up on a node', () => {
  assert.deepEqual(order([pod('costly', { cost: '100' }), pod('cheap', { cost: '-5' })]), ['cheap']);
  const pods = [pod('alone', { node: 'a' }), pod('crowded', { node: 'b' }), pod('crowd2', { node: 'b' })];
  assert.equal(podsToDelete(pods, pods, 1, now)[0]!.metadata.name!.startsWith('crowd'), true);
});

test('recently ready before long ready (log buckets), more restarts before fewer', () => {
  assert.deepEqual(order([pod('old', { readySince: 86_400 }), pod('young', { readySince: 10 })]), ['young']);
  assert.deepEqual(order([pod('calm'), pod('flappy', { restarts: 4 })]), ['flappy']);
});
