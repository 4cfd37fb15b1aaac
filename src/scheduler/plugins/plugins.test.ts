import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, node, pod } from '../testing/fixtures.js';

test('nodeSelector, node affinity and taints place pods where Kubernetes would', () => {
  const h = harness();
  h.cache.addNode(node('a', { labels: { disk: 'ssd', zone: 'z1' } }));
  h.cache.addNode(node('b', { labels: { disk: 'hdd', zone: 'z2' } }));
  h.cache.addNode(node('c', { labels: { disk: 'ssd', zone: 'z3' }, taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] }));
  assert.equal(h.place(pod('sel', { nodeSelector: { disk: 'ssd' } })), 'a');
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z2', 'z3'] }] }] } } };
  assert.equal(h.place(pod('aff', { affinity })), 'b');
  const tolerating = { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }], nodeSelector: { zone: 'z3' } };
  assert.equal(h.place(pod('tol', tolerating)), 'c');
  assert.equal(
    h.place(pod('none', { nodeSelector: { zone: 'z3' } })),
    "error: 0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}, 2 node(s) didn't match Pod's node affinity/selector.",
  );
  const preferred = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['hdd'] }] } }] } };
  assert.equal(h.place(pod('pref', { affinity: preferred })), 'b');
});

test('resources: too big, too many pods, cordoned', () => {
  const h = harness();
  h.cache.addNode(node('small', { cpu: '1', pods: '1' }));
  h.cache.addNode(node('off', { unschedulable: true }));
  assert.equal(h.place(pod('p1')), 'small');
  assert.equal(
    h.place(pod('p2', { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '2' } } }] })),
    'error: 0/2 nodes are available: 1 Insufficient cpu, 1 Too many pods, 1 node(s) were unschedulable.',
  );
});

test('init containers and sidecars count as Kubernetes computes requests', () => {
  const h = harness();
  h.cache.addNode(node('n', { cpu: '1' }));
  // max(init 900m, sum(400m) + sidecar 200m) = 900m fits 1 CPU; 1100m would not.
  const spec = (initCpu: string) => ({
    initContainers: [{ name: 'init', image: 'i', resources: { requests: { cpu: initCpu } } }, { name: 'side', image: 'i', restartPolicy: 'Always', resources: { requests: { cpu: '200m' } } }],
    containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '400m' } } }],
  });
  assert.match(h.place(pod('big-init', spec('1100m'))), /Insufficient cpu/);
  assert.equal(h.place(pod('ok', spec('900m'))), 'n');
});

test('required anti-affinity by hostname puts one replica per node', () => {
  const h = harness();
  for (const n of ['a', 'b', 'c']) h.cache.addNode(node(n));
  const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } } }] } };
  const placed = [0, 1, 2].map((i) => h.place(pod(`db-${i}`, { affinity: anti }, { labels: { app: 'db' } })));
  assert.deepEqual([...placed].sort(), ['a', 'b', 'c']);
  assert.equal(h.place(pod('db-3', { affinity: anti }, { labels: { app: 'db' } })), "error: 0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.");
  // A pod without anti-affinity but matching the label may not join them either (existing pods' rules).
  assert.equal(h.place(pod('other', {}, { labels: { app: 'db' } })), "error: 0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules.");
});

test('required pod affinity follows the first pod of the group', () => {
  const h = harness();
  for (const n of ['a', 'b', 'c']) h.cache.addNode(node(n, { labels: { zone: n === 'c' ? 'z2' : 'z1' } }));
  const aff = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'web' } } }] } };
  const first = h.place(pod('web-0', { affinity: aff }, { labels: { app: 'web' } }));
  const zone = first === 'c' ? 'z2' : 'z1';
  for (let i = 1; i < 4; i++) {
    const n = h.place(pod(`web-${i}`, { affinity: aff }, { labels: { app: 'web' } }));
    assert.equal(n === 'c' ? 'z2' : 'z1', zone);
  }
  assert.equal(h.place(pod('lonely', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'nope' } } }] } } })), "error: 0/3 nodes are available: 3 node(s) didn't match pod affinity rules.");
});

test('topology spread with maxSkew 1 over zones: fast and slow counting agree', () => {
  for (const slow of [false, true]) {
    const h = harness();
    for (let i = 0; i < 6; i++) h.cache.addNode(node(`n${i}`, { labels: { zone: `z${i % 3}`, pool: 'x' } }));
    const spread = {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 's' } } }],
      // A nodeSelector matching every node takes the per-node counting path (nodeAffinityPolicy Honor).
      ...(slow ? { nodeSelector: { pool: 'x' } } : {}),
    };
    const zones = new Map<string, number>();
    for (let i = 0; i < 9; i++) {
      const n = h.place(pod(`s-${i}`, spread, { labels: { app: 's' } }));
      const z = `z${Number(n.slice(1)) % 3}`;
      zones.set(z, (zones.get(z) ?? 0) + 1);
      const counts = [...zones.values()];
      assert.ok(Math.max(...counts) - Math.min(...(zones.size < 3 ? [0] : counts)) <= 1, `skew too big after ${i}: ${[...zones]}`);
    }
    assert.deepEqual([...zones.values()], [3, 3, 3]);
  }
});

test('topology spread: missing label and minDomains', () => {
  const h = harness();
  h.cache.addNode(node('a', { labels: { zone: 'z1' } }));
  h.cache.addNode(node('b'));
  const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', minDomains: 2, labelSelector: { matchLabels: { app: 'm' } } }] };
  assert.equal(h.place(pod('m-0', spread, { labels: { app: 'm' } })), 'a');
  assert.equal(
    h.place(pod('m-1', spread, { labels: { app: 'm' } })),
    "error: 0/2 nodes are available: 1 node(s) didn't match pod topology spread constraints, 1 node(s) didn't match pod topology spread constraints (missing required label).",
  );
});
