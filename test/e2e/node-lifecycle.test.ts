// Node health end to end: a node run by a separate `k8ts agent --simulate 1` process stops
// heartbeating when that process is killed; the node goes NotReady, gets the unreachable
// taints, and once the pods' toleration runs out the Deployment's pod is recreated elsewhere.
// Timings are shortened with the server flags Kubernetes has for them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl } from '../support/kubectl.js';
import { exited } from '../support/child-lines.js';

const binary = join(resolve(import.meta.dirname, '../../..'), 'bin', 'k8ts');

let server: TestServer;
let agent: ChildProcess | undefined;
let k: Kubectl;

before(async () => {
  server = await startK8ts({
    extraArgs: [
      '--simulate-nodes', '2',
      '--simulate-node-heartbeat', '1s',
      '--node-monitor-grace-period', '4s',
      '--node-monitor-period', '1s',
      '--default-unreachable-toleration-seconds', '3',
      '--default-not-ready-toleration-seconds', '3',
    ],
  });
  k = new Kubectl('1.33', server.kubeconfig);
  agent = spawn(process.execPath, [binary, 'agent', '--kubeconfig', server.kubeconfig, '--simulate', '1', '--node-name-prefix', 'edge-', '--heartbeat', '1s', '--pod-cidr', '10.99.0.0/16'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  agent.stderr!.resume();
});
after(async () => {
  if (agent && agent.exitCode === null && agent.signalCode === null) {
    agent.kill('SIGKILL');
    await exited(agent);
  }
  await server?.cleanup();
});

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const readyOf = (node: any) => node.status.conditions.find((c: any) => c.type === 'Ready');

test('a node that stops heartbeating goes NotReady, is tainted, and its pods are recreated elsewhere', async () => {
  await until('the agent node Ready', async () => (await k.ok(['get', 'nodes'])).match(/edge-0\s+Ready\s/));
  const lease = JSON.parse(await k.ok(['get', 'lease', 'edge-0', '-n', 'kube-node-lease', '-o', 'json']));
  assert.equal(lease.spec.holderIdentity, 'edge-0');

  // One replica per node, so one lands on the agent's node.
  const affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } }] } };
  await k.ok(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { affinity, containers: [{ name: 'app', image: 'registry.local/app:1' }] } } },
    }),
  });
  const pods = () => k.ok(['get', 'pods', '-l', 'app=web', '-o', 'json']).then((o) => JSON.parse(o).items as any[]);
  const onEdge = await until('a web pod running on edge-0', async () => (await pods()).find((p) => p.spec.nodeName === 'edge-0' && p.status.phase === 'Running'));
  assert.deepEqual(onEdge.spec.tolerations.find((t: any) => t.key === 'node.kubernetes.io/unreachable'), { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 3 });

  agent!.kill('SIGKILL');
  await exited(agent!);

  const node = await until('edge-0 NotReady', async () => {
    const n = JSON.parse(await k.ok(['get', 'node', 'edge-0', '-o', 'json']));
    return readyOf(n).status === 'Unknown' ? n : undefined;
  });
  const ready = readyOf(node);
  assert.equal(ready.reason, 'NodeStatusUnknown');
  assert.equal(ready.message, 'Kubelet stopped posting node status.');
  assert.match(await k.ok(['get', 'nodes']), /edge-0\s+NotReady\s/);
  const tainted = await until('the unreachable taints', async () => {
    const taints = JSON.parse(await k.ok(['get', 'node', 'edge-0', '-o', 'json'])).spec.taints ?? [];
    return taints.length === 2 ? taints : undefined;
  });
  assert.deepEqual(tainted.map((t: any) => `${t.key}:${t.effect}`).sort(), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  assert.ok(tainted.find((t: any) => t.effect === 'NoExecute').timeAdded);

  // After the 3 s toleration the pod is evicted (it stays Terminating: its node is gone) and replaced.
  const evicted = await until('the edge pod evicted', async () => {
    const p = (await pods()).find((x) => x.metadata.uid === onEdge.metadata.uid);
    return p?.metadata.deletionTimestamp ? p : undefined;
  });
  assert.ok(evicted.status.conditions.some((c: any) => c.type === 'DisruptionTarget' && c.reason === 'DeletionByTaintManager'));
  const replaced = await until('3 web pods running on live nodes', async () => {
    const live = (await pods()).filter((p) => !p.metadata.deletionTimestamp && p.status.phase === 'Running' && p.spec.nodeName !== 'edge-0');
    return live.length === 3 ? live : undefined;
  });
  assert.ok(replaced.every((p) => /^sim-node-[01]$/.test(p.spec.nodeName)));
  const ev = JSON.parse(await k.ok(['get', 'events', '--field-selector', 'reason=TaintManagerEviction', '-o', 'json'])).items;
  assert.equal(ev[0].message, `Marking for deletion Pod default/${onEdge.metadata.name}`);
});
