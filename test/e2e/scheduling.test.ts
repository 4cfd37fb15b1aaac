// The scheduler, pods/binding, pods/eviction, cordon/drain and taints, driven with the real
// kubectl against one server with three simulated nodes (one per zone).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl } from '../support/kubectl.js';

let server: TestServer;
let k: Kubectl;

before(async () => {
  server = await startK8ts({
    extraArgs: ['--simulate-nodes', '3', '--simulate-node-labels', 'topology.kubernetes.io/zone=zone-{index}', '--simulate-node-capacity', 'cpu=32,memory=64Gi,pods=110'],
  });
  k = new Kubectl('1.33', server.kubeconfig);
});
after(async () => {
  await server?.cleanup();
});

/** Polls until `check` returns a value (kubectl output parsed), or fails with the last one seen. */
async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function podJson(ns: string, name: string): Promise<any> {
  return JSON.parse(await k.ok(['get', 'pod', name, '-n', ns, '-o', 'json']));
}

async function nodeOf(ns: string, name: string): Promise<string> {
  return until(`${ns}/${name} scheduled`, async () => (await podJson(ns, name)).spec.nodeName as string | undefined);
}

async function runningNodeOf(ns: string, name: string): Promise<string> {
  return until(`${ns}/${name} running`, async () => {
    const p = await podJson(ns, name);
    return p.status.phase === 'Running' ? (p.spec.nodeName as string) : undefined;
  });
}

/** The FailedScheduling message of an unschedulable pod (from its PodScheduled condition, checked against the event). */
async function unschedulableMessage(ns: string, name: string): Promise<string> {
  const cond = await until(`${ns}/${name} unschedulable`, async () => {
    const c = (await podJson(ns, name)).status.conditions?.find((x: any) => x.type === 'PodScheduled');
    return c?.status === 'False' ? c : undefined;
  });
  assert.equal(cond.reason, 'Unschedulable');
  const events = await until('FailedScheduling event', async () => {
    const list = JSON.parse(await k.ok(['get', 'events', '-n', ns, '--field-selector', `involvedObject.name=${name},reason=FailedScheduling`, '-o', 'json']));
    return list.items.length ? list.items : undefined;
  });
  assert.equal(events.at(-1).message, cond.message);
  assert.equal(events.at(-1).type, 'Warning');
  assert.equal(events.at(-1).source.component, 'default-scheduler');
  return cond.message as string;
}

function podYaml(ns: string, name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'app', image: 'registry.local/app:1' }], ...spec },
  });
}

describe('placement', () => {
  const ns = 'place';
  before(async () => {
    await k.ok(['create', 'namespace', ns]);
  });

  test('a pod is bound, runs on its node and gets a Scheduled event', async () => {
    await k.ok(['run', 'plain', '-n', ns, '--image=registry.local/app:1']);
    const node = await runningNodeOf(ns, 'plain');
    assert.match(node, /^sim-node-[0-2]$/);
    const ev = JSON.parse(await k.ok(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=plain,reason=Scheduled', '-o', 'json'])).items[0];
    assert.equal(ev.message, `Successfully assigned ${ns}/plain to ${node}`);
    assert.equal(ev.source.component, 'default-scheduler');
    assert.equal(ev.reportingComponent, 'default-scheduler');
    assert.equal(ev.count, 1);
    const pod = await podJson(ns, 'plain');
    assert.ok(pod.status.conditions.some((c: any) => c.type === 'PodScheduled' && c.status === 'True'));
  });

  test('nodeSelector and required node affinity', async () => {
    await k.ok(['label', 'node', 'sim-node-1', 'disktype=ssd']);
    await k.ok(['apply', '-f', '-'], { input: podYaml(ns, 'selector', { nodeSelector: { disktype: 'ssd' } }) });
    assert.equal(await nodeOf(ns, 'selector'), 'sim-node-1');
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-2'] }] }] } } };
    await k.ok(['apply', '-f', '-'], { input: podYaml(ns, 'required', { affinity }) });
    assert.equal(await nodeOf(ns, 'required'), 'sim-node-2');
  });

  test('preferred node affinity wins over equal alternatives', async () => {
    const affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-0'] }] } }] } };
    for (let i = 0; i < 3; i++) {
      await k.ok(['apply', '-f', '-'], { input: podYaml(ns, `preferred-${i}`, { affinity }) });
      assert.equal(await nodeOf(ns, `preferred-${i}`), 'sim-node-0');
    }
  });

  test('taints keep pods away unless tolerated; kubectl taint adds and removes them', async () => {
    assert.match(await k.ok(['taint', 'node', 'sim-node-0', 'dedicated=infra:NoSchedule']), /node\/sim-node-0 tainted/);
    const pin = { nodeSelector: { 'kubernetes.io/hostname': 'sim-node-0' } };
    await k.ok(['apply', '-f', '-'], { input: podYaml(ns, 'intolerant', pin) });
    assert.equal(
      await unschedulableMessage(ns, 'intolerant'),
      "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    const tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }];
    await k.ok(['apply', '-f', '-'], { input: podYaml(ns, 'tolerant', { ...pin, tolerations }) });
    assert.equal(await nodeOf(ns, 'tolerant'), 'sim-node-0');
    // Removing the taint is a Node event the waiting pod registered for: it gets scheduled.
    assert.match(await k.ok(['taint', 'node', 'sim-node-0', 'dedicated-']), /node\/sim-node-0 untainted/);
    assert.equal(await nodeOf(ns, 'intolerant'), 'sim-node-0');
  });

  test('a pod that fits nowhere stays Pending with the FailedScheduling summary', async () => {
    const spec = { containers: [{ name: 'app', image: 'registry.local/app:1', resources: { requests: { cpu: '64', memory: '1Gi' } } }] };
    await k.ok(['apply', '-f', '-'], { input: podYaml(ns, 'huge', spec) });
    assert.equal(await unschedulableMessage(ns, 'huge'), '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
    const table = await k.ok(['get', 'pod', 'huge', '-n', ns]);
    assert.match(table, /huge\s+0\/1\s+Pending/);
    const described = await k.ok(['describe', 'pod', 'huge', '-n', ns]);
    assert.match(described, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: 3 Insufficient cpu\./);
  });

  test('pods for another scheduler are left alone', async () => {
    await k.ok(['apply', '-f', '-'], { input: podYaml(ns, 'other', { schedulerName: 'my-scheduler' }) });
    await new Promise((r) => setTimeout(r, 1000));
    const p = await podJson(ns, 'other');
    assert.equal(p.spec.nodeName, undefined);
    assert.equal(p.status.conditions, undefined);
    const ev = JSON.parse(await k.ok(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=other', '-o', 'json']));
    assert.equal(ev.items.length, 0);
  });
});

describe('workloads', () => {
  const ns = 'spread';
  before(async () => {
    await k.ok(['create', 'namespace', ns]);
  });

  async function podsOf(app: string): Promise<any[]> {
    return JSON.parse(await k.ok(['get', 'pods', '-n', ns, '-l', `app=${app}`, '-o', 'json'])).items;
  }

  function deployment(name: string, replicas: number, spec: Record<string, unknown>): string {
    return JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns },
      spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'registry.local/app:1' }], ...spec } } },
    });
  }

  test('required pod anti-affinity by hostname: one replica per node, the fourth stays Pending', async () => {
    const affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } } }] } };
    await k.ok(['apply', '-f', '-'], { input: deployment('db', 3, { affinity }) });
    const nodes = await until('3 db replicas placed', async () => {
      const pods = await podsOf('db');
      const placed = pods.map((p) => p.spec.nodeName).filter(Boolean);
      return placed.length === 3 ? placed : undefined;
    });
    assert.deepEqual([...nodes].sort(), ['sim-node-0', 'sim-node-1', 'sim-node-2']);
    await k.ok(['scale', 'deployment', 'db', '-n', ns, '--replicas=4']);
    const pending = await until('the 4th replica', async () => (await podsOf('db')).find((p) => !p.spec.nodeName));
    assert.equal(
      await unschedulableMessage(ns, pending.metadata.name),
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
  });

  test('topology spread over zones with maxSkew 1 places two per zone', async () => {
    const topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }];
    await k.ok(['apply', '-f', '-'], { input: deployment('web', 6, { topologySpreadConstraints }) });
    const nodes = await until('6 web replicas placed', async () => {
      const placed = (await podsOf('web')).map((p) => p.spec.nodeName).filter(Boolean);
      return placed.length === 6 ? placed : undefined;
    });
    const perNode = new Map<string, number>();
    for (const n of nodes) perNode.set(n, (perNode.get(n) ?? 0) + 1);
    assert.deepEqual([...perNode.values()], [2, 2, 2]);
  });
});

describe('priority and preemption', () => {
  const ns = 'prio';
  before(async () => {
    await k.ok(['create', 'namespace', ns]);
    await k.ok(['apply', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
        { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'e2e-high' }, value: 1000 },
        { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'e2e-low' }, value: 10 },
      ] }),
    });
  });

  const big = (cls: string) => ({ priorityClassName: cls, containers: [{ name: 'app', image: 'registry.local/app:1', resources: { requests: { cpu: '20' } } }] });

  test('a high-priority pod preempts a lower-priority one', async () => {
    for (let i = 0; i < 3; i++) {
      await k.ok(['apply', '-f', '-'], { input: podYaml(ns, `low-${i}`, big('e2e-low')) });
      await runningNodeOf(ns, `low-${i}`);
    }
    assert.equal((await podJson(ns, 'low-0')).spec.priority, 10);
    await k.ok(['apply', '-f', '-'], { input: podYaml(ns, 'vip', big('e2e-high')) });
    const node = await runningNodeOf(ns, 'vip');
    const vip = await podJson(ns, 'vip');
    assert.equal(vip.spec.priority, 1000);
    assert.equal(vip.status.nominatedNodeName, node);
    const lows = JSON.parse(await k.ok(['get', 'pods', '-n', ns, '-o', 'json'])).items.filter((p: any) => p.metadata.name.startsWith('low-'));
    assert.equal(lows.length, 2);
    assert.ok(!lows.some((p: any) => p.spec.nodeName === node));
    const preempted = JSON.parse(await k.ok(['get', 'events', '-n', ns, '--field-selector', 'reason=Preempted', '-o', 'json'])).items;
    assert.equal(preempted.length, 1);
    assert.equal(preempted[0].message, `Preempted by pod ${vip.metadata.uid} on node ${node}`);
  });

  test('an unknown priority class is refused at admission', async () => {
    const r = await k.run(['apply', '-f', '-'], { input: podYaml(ns, 'nope', { priorityClassName: 'no-such-class' }) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /pods "nope" is forbidden: no PriorityClass with name no-such-class was found/);
  });
});

describe('binding, eviction, cordon and drain', () => {
  const ns = 'drain';
  before(async () => {
    await k.ok(['create', 'namespace', ns]);
  });

  test('pods/binding assigns once, then answers 409 like Kubernetes', async () => {
    await k.ok(['apply', '-f', '-'], { input: podYaml(ns, 'manual', { schedulerName: 'manual' }) });
    const bind = (node: string) =>
      server.request('POST', `/api/v1/namespaces/${ns}/pods/manual/binding`, {
        body: JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'manual' }, target: { kind: 'Node', name: node } }),
        headers: { 'Content-Type': 'application/json' },
      });
    const ok = await bind('sim-node-2');
    assert.equal(ok.status, 201);
    assert.equal(JSON.parse(ok.body).status, 'Success');
    assert.equal(await runningNodeOf(ns, 'manual'), 'sim-node-2');
    const again = await bind('sim-node-1');
    assert.equal(again.status, 409);
    const status = JSON.parse(again.body);
    assert.equal(status.reason, 'Conflict');
    assert.equal(status.message, 'Operation cannot be fulfilled on pods/binding "manual": pod manual is already assigned to node "sim-node-2"');
  });

  test('cordon shows SchedulingDisabled; drain evicts, honouring the PodDisruptionBudget', async () => {
    await k.ok(['create', 'deployment', 'api', '-n', ns, '--image=registry.local/app:1', '--replicas=3']);
    await until('3 api pods running', async () => {
      const pods = JSON.parse(await k.ok(['get', 'pods', '-n', ns, '-l', 'app=api', '-o', 'json'])).items;
      return pods.filter((p: any) => p.status.phase === 'Running').length === 3;
    });
    await k.ok(['create', 'pdb', 'api', '-n', ns, '--selector=app=api', '--min-available=3']);
    await until('the budget counts 3 healthy pods', async () => JSON.parse(await k.ok(['get', 'pdb', 'api', '-n', ns, '-o', 'json'])).status?.currentHealthy === 3);
    const node = (JSON.parse(await k.ok(['get', 'pods', '-n', ns, '-l', 'app=api', '-o', 'json'])).items as any[])[0].spec.nodeName as string;

    assert.match(await k.ok(['cordon', node]), new RegExp(`node/${node} cordoned`));
    assert.match(await k.ok(['get', 'node', node]), /Ready,SchedulingDisabled/);
    await until('the unschedulable taint', async () => JSON.parse(await k.ok(['get', 'node', node, '-o', 'json'])).spec.taints?.some((t: any) => t.key === 'node.kubernetes.io/unschedulable'));

    const blocked = await k.run(['drain', node, '--ignore-daemonsets', '--force', '--timeout=7s']);
    assert.notEqual(blocked.code, 0);
    assert.match(blocked.stderr, /Cannot evict pod as it would violate the pod's disruption budget\./);

    await k.ok(['patch', 'pdb', 'api', '-n', ns, '--type=merge', '-p', '{"spec":{"minAvailable":2}}']);
    await until('the budget allows one disruption', async () => JSON.parse(await k.ok(['get', 'pdb', 'api', '-n', ns, '-o', 'json'])).status?.disruptionsAllowed >= 1);
    const drained = await k.run(['drain', node, '--ignore-daemonsets', '--force', '--timeout=60s']);
    assert.equal(drained.code, 0, drained.stderr);
    assert.match(drained.stdout, /evicted/);
    assert.match(drained.stdout, new RegExp(`node/${node} drained`));
    const left = JSON.parse(await k.ok(['get', 'pods', '-A', '--field-selector', `spec.nodeName=${node}`, '-o', 'json'])).items;
    assert.equal(left.filter((p: any) => p.metadata.namespace === ns).length, 0);
    // The Deployment's replacement runs elsewhere.
    await until('3 api pods running again', async () => {
      const pods = JSON.parse(await k.ok(['get', 'pods', '-n', ns, '-l', 'app=api', '-o', 'json'])).items;
      return pods.filter((p: any) => p.status.phase === 'Running' && p.spec.nodeName !== node).length === 3;
    });

    assert.match(await k.ok(['uncordon', node]), new RegExp(`node/${node} uncordoned`));
    assert.doesNotMatch(await k.ok(['get', 'node', node]), /SchedulingDisabled/);
  });
});
