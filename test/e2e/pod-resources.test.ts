// Resources end to end: a real `k8ts server` with its embedded agent runs busybox pods as
// runc containers, and the real kubectl shows what the kernel enforced and measured:
// OOMKilled over a memory limit, CPU held to a CFS quota (seen in `kubectl top`), QoS
// classes, the pod cgroups' files on the host, and node pressure with eviction. Everything
// the test creates on the machine is removed with `k8ts reset` at the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { detectCgroupLayout } from '../../src/agent/runtime/cgroups.js';
import { v1Hierarchy } from '../../src/agent/stats/cgroup-usage.js';
import { lowestOomScoreAdj } from '../../src/agent/runtime/oom-score.js';
import { AgentNode, startAgentNode } from '../support/agent-node.js';
import { Kubectl } from '../support/kubectl.js';
import { waitFor } from '../support/wait-for.js';

const tag = randomBytes(3).toString('hex');
const layout = detectCgroupLayout();

let agentNode: AgentNode;
let node: string;
let cgroupRoot: string;
let image: string;
let k: Kubectl;
const getPod = (name: string) => agentNode.pod(name);
const applyPod = (spec: Record<string, unknown>) => agentNode.applyPod(spec);
const running = (name: string) => agentNode.running(name);

/** A cgroup file of a pod, read from the host's cgroupfs. */
function cgroupFile(controller: string, path: string, file: string): string {
  const base = layout.version === 'v2' ? layout.hierarchies[0]! : v1Hierarchy(layout, controller)!;
  return readFileSync(join(base, path, file), 'utf8').trim();
}

/** Sub-cgroups of a cgroup (a pod's containers). */
function childCgroups(controller: string, path: string): string[] {
  const base = layout.version === 'v2' ? layout.hierarchies[0]! : v1Hierarchy(layout, controller)!;
  return readdirSync(join(base, path), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
}

/** Millicores in a `kubectl top` CPU cell (`203m`, `1`). */
function millicores(cell: string): number {
  return cell.endsWith('m') ? Number(cell.slice(0, -1)) : Number(cell) * 1000;
}

before(async () => {
  agentNode = await startAgentNode({
    name: `res-${tag}`,
    extraArgs: ['--kube-reserved', 'cpu=100m,memory=256Mi', '--system-reserved', 'memory=128Mi', '--pod-pids-limit', '1024'],
  });
  ({ nodeName: node, cgroupRoot, image, k } = agentNode);
});

after(() => agentNode?.stop());

describe('resources', () => {
  test('allocatable is capacity minus --kube-reserved, --system-reserved and the hard eviction threshold', async () => {
    const n = JSON.parse(await k.ok(['get', 'node', node, '-o', 'json']));
    const ki = (q: string) => Number(q.replace(/Ki$/, ''));
    assert.equal(ki(n.status.capacity.memory) - ki(n.status.allocatable.memory), (256 + 128 + 100) * 1024);
    assert.equal(n.status.allocatable.cpu, `${Number(n.status.capacity.cpu) * 1000 - 100}m`);
    assert.deepEqual(n.status.conditions.map((c: any) => `${c.type}=${c.status}`), ['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
  });

  test('a container allocating beyond limits.memory 20Mi ends OOMKilled (exit 137), restarted under Always', async () => {
    // `tr` output captured into a shell variable: anonymous memory that grows until the kernel kills it.
    await applyPod({
      metadata: { name: 'memory-hog' },
      spec: { containers: [{ name: 'hog', image, command: ['sh', '-c', 'x=$(head -c 100000000 /dev/zero | tr "\\0" a); echo survived; sleep 3600'], resources: { limits: { memory: '20Mi' } } }] },
    });
    const cs = await waitFor('OOMKilled last state', async () => {
      const c = (await getPod('memory-hog'))?.status?.containerStatuses?.[0];
      return c?.lastState?.terminated || c?.state?.terminated ? c : undefined;
    });
    const t = cs.lastState?.terminated ?? cs.state.terminated;
    assert.equal(t.reason, 'OOMKilled');
    assert.equal(t.exitCode, 137);
    await waitFor('restartCount ≥ 1', async () => (await getPod('memory-hog'))?.status?.containerStatuses?.[0]?.restartCount >= 1);
    const describe = await k.ok(['describe', 'pod', 'memory-hog']);
    assert.match(describe, /Reason:\s+OOMKilled/);
    assert.match(describe, /Exit Code:\s+137/);
    assert.match(describe, /QoS Class:\s+Burstable/);
    assert.doesNotMatch(await k.ok(['logs', 'memory-hog', '--previous']), /survived/);
  });

  test('QoS classes in describe; the pod cgroups carry quota, shares, memory and pids limits', async () => {
    await applyPod({
      metadata: { name: 'guaranteed', labels: { tier: 'gold' } },
      spec: { containers: [{ name: 'c', image, command: ['sleep', '3600'], resources: { limits: { cpu: '250m', memory: '64Mi' } } }] },
    });
    await applyPod({
      metadata: { name: 'burstable' },
      spec: { containers: [{ name: 'c', image, command: ['sleep', '3600'], resources: { requests: { cpu: '100m', memory: '16Mi' }, limits: { cpu: '500m' } } }] },
    });
    await applyPod({ metadata: { name: 'besteffort' }, spec: { containers: [{ name: 'c', image, command: ['sleep', '3600'] }] } });
    const g = await running('guaranteed');
    const b = await running('burstable');
    const be = await running('besteffort');
    assert.equal(g.status.qosClass, 'Guaranteed');
    assert.equal(b.status.qosClass, 'Burstable');
    assert.equal(be.status.qosClass, 'BestEffort');
    assert.match(await k.ok(['describe', 'pod', 'guaranteed']), /QoS Class:\s+Guaranteed/);
    assert.match(await k.ok(['describe', 'pod', 'besteffort']), /QoS Class:\s+BestEffort/);

    const gPath = `${cgroupRoot}/kubepods/pod${g.metadata.uid}`;
    const bPath = `${cgroupRoot}/kubepods/burstable/pod${b.metadata.uid}`;
    const bePath = `${cgroupRoot}/kubepods/besteffort/pod${be.metadata.uid}`;
    if (layout.version === 'v1') {
      assert.equal(cgroupFile('cpu', gPath, 'cpu.cfs_quota_us'), '25000');
      assert.equal(cgroupFile('cpu', gPath, 'cpu.cfs_period_us'), '100000');
      assert.equal(cgroupFile('cpu', gPath, 'cpu.shares'), '256');
      assert.equal(cgroupFile('memory', gPath, 'memory.limit_in_bytes'), String(64 * 1024 * 1024));
      assert.equal(cgroupFile('cpu', bPath, 'cpu.shares'), '102');
      assert.equal(cgroupFile('cpu', bPath, 'cpu.cfs_quota_us'), '50000');
      assert.equal(cgroupFile('cpu', bePath, 'cpu.shares'), '2');
      assert.equal(cgroupFile('cpu', bePath, 'cpu.cfs_quota_us'), '-1');
      assert.equal(cgroupFile('pids', bePath, 'pids.max'), '1024');
    } else {
      assert.equal(cgroupFile('cpu', gPath, 'cpu.max'), '25000 100000');
      assert.equal(cgroupFile('cpu', gPath, 'cpu.weight'), '10');
      assert.equal(cgroupFile('memory', gPath, 'memory.max'), String(64 * 1024 * 1024));
      assert.equal(cgroupFile('cpu', bePath, 'cpu.weight'), '1');
      assert.equal(cgroupFile('pids', bePath, 'pids.max'), '1024');
    }
    // The QoS cgroups: besteffort at the minimum, burstable with the Burstable pods' requests
    // (100m), kubepods limited to capacity minus the reservations (the kubelet's QoS manager).
    const kubepods = `${cgroupRoot}/kubepods`;
    if (layout.version === 'v1') {
      await waitFor('QoS cgroup shares', async () => cgroupFile('cpu', `${kubepods}/burstable`, 'cpu.shares') === '102');
      assert.equal(cgroupFile('cpu', `${kubepods}/besteffort`, 'cpu.shares'), '2');
      const limit = Number(cgroupFile('memory', kubepods, 'memory.limit_in_bytes'));
      assert.ok(Math.abs(limit - (totalmem() - 384 * 2 ** 20)) < 4096, `kubepods memory limit ${limit}`);
    } else {
      await waitFor('QoS cgroup weight', async () => cgroupFile('cpu', `${kubepods}/burstable`, 'cpu.weight') === '4');
      assert.equal(cgroupFile('cpu', `${kubepods}/besteffort`, 'cpu.weight'), '1');
    }
    // The container's own cgroup (the pod cgroup's one child) has the container's limits.
    const child = (path: string) => `${path}/${childCgroups('memory', path)[0]}`;
    if (layout.version === 'v1') assert.equal(cgroupFile('cpu', child(gPath), 'cpu.cfs_quota_us'), '25000');
    // OOM score adjustments by QoS class, as the kubelet sets them (a host that does not let
    // the agent lower scores keeps Guaranteed at the agent's own).
    const pid = (path: string) => cgroupFile('memory', path, 'cgroup.procs').split('\n')[0];
    assert.equal(readFileSync(`/proc/${pid(child(gPath))}/oom_score_adj`, 'utf8').trim(), String(Math.max(-997, lowestOomScoreAdj())));
    assert.equal(readFileSync(`/proc/${pid(child(bePath))}/oom_score_adj`, 'utf8').trim(), '1000');
  });

  test('a container writing beyond limits.ephemeral-storage is evicted (Failed, Evicted)', async () => {
    await applyPod({
      metadata: { name: 'disk-writer' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'w', image, command: ['sh', '-c', 'dd if=/dev/zero of=/big bs=1024 count=8192 && sleep 3600'], resources: { limits: { 'ephemeral-storage': '2Mi' } } }] },
    });
    const status = await waitFor('disk-writer evicted', async () => {
      const s = (await getPod('disk-writer'))?.status;
      return s?.reason === 'Evicted' ? s : undefined;
    });
    assert.equal(status.phase, 'Failed');
    assert.equal(status.message, 'Pod ephemeral local storage usage exceeds the total limit of containers 2Mi. ');
    assert.match(await k.ok(['describe', 'pod', 'disk-writer']), /Warning\s+Evicted\s+.*kubelet\s+Pod ephemeral local storage usage exceeds the total limit of containers 2Mi\./);
  });

  test('kubectl top: a busy loop limited to 200m uses about 0.2 core; top nodes; --containers, -l, -A, --sort-by', async () => {
    await applyPod({
      metadata: { name: 'spinner', labels: { app: 'spin' } },
      spec: { containers: [{ name: 'burn', image, command: ['sh', '-c', 'while :; do :; done'], resources: { limits: { cpu: '200m', memory: '32Mi' } } }] },
    });
    await running('spinner');
    // Let the rate cover several CFS periods after start, then read what kubectl shows.
    const row = await waitFor('spinner in kubectl top', async () => {
      const r = await k.run(['top', 'pod', 'spinner', '--no-headers']);
      const line = r.stdout.split('\n').find((l) => l.startsWith('spinner'));
      if (!line) return undefined;
      const m = millicores(line.split(/\s+/)[1]!);
      return m >= 100 ? line : undefined;
    });
    const cpu = millicores(row.split(/\s+/)[1]!);
    assert.ok(cpu >= 100 && cpu <= 300, `spinner uses ${cpu}m`);
    assert.match(row.trim(), /^spinner\s+\d+m\s+\d+Mi$/);

    const containers = await k.ok(['top', 'pod', 'spinner', '--containers']);
    assert.match(containers, /^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    assert.match(containers, /\nspinner\s+burn\s+\d+m\s+\d+Mi/);

    const labelled = await k.ok(['top', 'pod', '-l', 'app=spin']);
    assert.match(labelled, /\nspinner\s/);
    assert.doesNotMatch(labelled, /guaranteed/);
    const sorted = (await k.ok(['top', 'pod', '--sort-by=cpu', '--no-headers'])).trim().split('\n');
    assert.equal(sorted[0]!.split(/\s+/)[0], 'spinner');
    const all = await k.ok(['top', 'pod', '-A']);
    assert.match(all, /^NAMESPACE\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    assert.match(all, /\ndefault\s+spinner\s/);

    const nodes = await k.ok(['top', 'nodes']);
    assert.match(nodes, /^NAME\s+CPU\(cores\)\s+CPU(\(%\)|%)\s+MEMORY\(bytes\)\s+MEMORY(\(%\)|%)/);
    assert.match(nodes, new RegExp(`\\n${node}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%`));

    const raw = JSON.parse(await k.ok(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/spinner`]));
    assert.equal(raw.kind, 'PodMetrics');
    assert.equal(raw.metadata.labels.app, 'spin');
    assert.match(raw.window, /^[\d.]+s$|^\d+m[\d.]+s$/);
    // The resources as kubectl get sees them (discovery names, Table), as with metrics-server.
    assert.match(await k.ok(['get', 'podmetrics', '-l', 'app=spin']), /^NAME\s+(CREATED AT|AGE)[^\n]*\nspinner\s/);
    assert.match(await k.ok(['get', 'nodemetrics', node, '-o', 'jsonpath={.usage.memory}']), /^\d+(Ki|Mi)?$/);
    assert.match((await k.run(['delete', 'podmetrics', 'spinner'])).stderr, /MethodNotAllowed|not supported|the server does not allow/);
    const missing = await k.run(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope`]);
    assert.match(missing.stderr, /NotFound|not found/);
  });
});

describe('node pressure', () => {
  // A second server whose hard threshold (memory.available<100Ti) is always met: the real
  // memory reading reports pressure without exhausting anything.
  let n2: AgentNode | undefined;

  after(() => n2?.stop());

  test('MemoryPressure, the memory-pressure taint, and eviction of the BestEffort pod first (Failed, Evicted)', async () => {
    n2 = await startAgentNode({ name: `res-${tag}-p`, images: agentNode, extraArgs: ['--eviction-hard', 'memory.available<100Ti', '--eviction-pressure-transition-period', '30s'] });
    const { nodeName: name, k: k2 } = n2;
    await waitFor('MemoryPressure=True', async () => {
      const n = JSON.parse(await k2.ok(['get', 'node', name, '-o', 'json']));
      return n.status.conditions.find((c: any) => c.type === 'MemoryPressure')?.status === 'True';
    });
    await waitFor('memory-pressure taint', async () => /Taints:\s+node\.kubernetes\.io\/memory-pressure:NoSchedule/.test(await k2.ok(['describe', 'node', name])));
    const pod = (podName: string, resources: Record<string, unknown>) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName },
      spec: {
        nodeName: name,
        tolerations: [{ key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' }],
        containers: [{ name: 'c', image, command: ['sleep', '3600'], resources }],
      },
    });
    await k2.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('burstable', { requests: { memory: '16Mi' } }), pod('besteffort', {})] }) });
    const phase = async (p: string) => JSON.parse(await k2.ok(['get', 'pod', p, '-o', 'json'])).status;
    const evicted = await waitFor('an eviction', async () => {
      for (const p of ['besteffort', 'burstable']) {
        const s = await phase(p);
        if (s.reason === 'Evicted') return { p, s };
      }
      return undefined;
    });
    assert.equal(evicted.p, 'besteffort');
    assert.equal(evicted.s.phase, 'Failed');
    assert.match(evicted.s.message, /^The node was low on resource: memory\. Threshold quantity: 100Ti, available: \d+Ki\. Container c was using \d+Ki, request is 0, has larger consumption of memory\. $/);
    const describe = await k2.ok(['describe', 'pod', 'besteffort']);
    assert.match(describe, /Status:\s+Failed/);
    assert.match(describe, /Reason:\s+Evicted/);
    assert.match(describe, /Warning\s+Evicted\s+.*kubelet\s+The node was low on resource: memory/);
    const nodeEvents = await k2.ok(['get', 'events', '--field-selector', 'involvedObject.kind=Node']);
    assert.match(nodeEvents, /NodeHasInsufficientMemory/);
    assert.match(nodeEvents, /EvictionThresholdMet\s+node\/\S+\s+Attempting to reclaim memory/);

    // A new BestEffort pod that does not tolerate the pressure is refused at admission.
    const refused = pod('refused', {});
    delete (refused.spec as Record<string, unknown>).tolerations;
    await k2.ok(['apply', '-f', '-'], { input: JSON.stringify(refused) });
    const r = await waitFor('refused pod Failed', async () => {
      const s = await phase('refused');
      return s.phase === 'Failed' ? s : undefined;
    });
    assert.equal(r.reason, 'Evicted');
    assert.equal(r.message, 'Pod was rejected: The node had condition: [MemoryPressure]. ');
  });
});

