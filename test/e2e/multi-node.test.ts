// Issue 7, multi-node: two real nodes on one machine. `k8ts server`'s embedded agent runs its
// node's networking in network namespace A, a `k8ts agent --server … --token …` process runs
// the second node's in namespace B; A and B are joined like two hosts on one L2 segment
// (192.168.77.0/24). Pods run under runc from a busybox image in a real registry; host-gw
// routes between the nodes' podCIDRs let them talk directly. Clients are pods that report
// what they saw in their termination message (the nodes' kubelet ports are on the machine,
// their InternalIPs in the namespaces, so kubectl exec does not reach them), and curl from
// the other "host". Everything is removed in after(), even on failure: agent and server
// processes, `k8ts reset` of both data dirs (containers, mounts, pod netns, cgroups), the
// two namespaces, the registry, the data dirs.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { claimTestResources, reapStaleTestEnvs } from '../../src/agent/runtime/test-support.js';
import { k8tsRouteProtocol } from '../../src/network/cni/host-gw-routes.js';
import { HostCommands } from '../../src/network/host/host-commands.js';
import { NetnsFixture, networkTestsSupported } from '../../src/network/testing/netns-fixture.js';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl } from '../support/kubectl.js';
import { startBusyboxRegistry } from '../support/agent-node.js';
import type { TestRegistry } from '../support/registry.js';
import { buildBusyboxImage, pushImage } from '../support/test-images.js';
import { Fatal, runCleanup, waitFor } from '../support/wait-for.js';

const skip = await networkTestsSupported();
const repoRoot = resolve(import.meta.dirname, '../../..');
const k8ts = join(repoRoot, 'bin', 'k8ts');
const tag = randomBytes(3).toString('hex');
const clusterCIDR = '10.245.0.0/16';
/** Each web pod serves its own name on port 8080. */
const serveHostname = 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www';

interface TestNode {
  name: string;
  /** Its address on the shared segment: the node's InternalIP and host-gw next hop. */
  ip: string;
  netns: string;
  /** Per-node runc root and cgroup parent, k8ts-owned names. */
  runtimeRoot: string;
  cgroupRoot: string;
}

const nodeArgs = (n: TestNode) => ['--node-name', n.name, '--node-ip', n.ip, '--node-netns', n.netns, '--kubelet-port', '0', '--cgroup-root', n.cgroupRoot, '--runtime-root', n.runtimeRoot, '--cluster-cidr', clusterCIDR];

describe('two nodes on one L2 segment: host-gw pod routes, Services, NodePorts and hostPorts across nodes (kubectl, runc)', { skip, timeout: 600_000 }, () => {
  let fx: NetnsFixture;
  let registry: TestRegistry | undefined;
  let server: TestServer | undefined;
  let agent: ChildProcess | undefined;
  let agentLog = '';
  let k: Kubectl;
  let image: string;
  const serverDir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-mn-server-'));
  const agentDir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-mn-agent-'));
  const claims: ReturnType<typeof claimTestResources>[] = [];
  const nodes: Record<'a' | 'b', TestNode> = {
    a: { name: `k8ts-mn-${tag}-a`, ip: '192.168.77.1', netns: '', runtimeRoot: `/run/k8ts-mn-${tag}-a`, cgroupRoot: `/k8ts-mn-${tag}-a` },
    b: { name: `k8ts-mn-${tag}-b`, ip: '192.168.77.2', netns: '', runtimeRoot: `/run/k8ts-mn-${tag}-b`, cgroupRoot: `/k8ts-mn-${tag}-b` },
  };

  const kc = (...args: string[]) => k.ok(args);
  const apply = (obj: Record<string, unknown>) => k.ok(['apply', '-f', '-'], { input: JSON.stringify(obj) });
  const getPod = async (name: string) => JSON.parse(await kc('get', 'pod', name, '-o', 'json')) as any;
  const podOn = (name: string, node: TestNode, spec: Record<string, unknown>) =>
    apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: name.startsWith('web-') ? { app: 'web' } : {} }, spec: { nodeSelector: { 'kubernetes.io/hostname': node.name }, ...spec } });
  const runningPod = (name: string) => waitFor(`pod ${name} running with an IP`, async () => {
    const p = await getPod(name);
    return p.status?.phase === 'Running' && p.status.podIP ? p : undefined;
  });

  /**
   * Runs `script` in a pod on `node` (restartPolicy Never) and returns what it wrote to its
   * termination log once it succeeded; a failure fails with the pod's own words.
   */
  const probe = async (name: string, node: TestNode, script: string): Promise<string> => {
    await podOn(name, node, {
      restartPolicy: 'Never',
      containers: [{ name: 'probe', image, command: ['sh', '-c', script], terminationMessagePolicy: 'FallbackToLogsOnError' }],
    });
    const pod = await waitFor(`probe ${name} to finish`, async () => {
      const p = await getPod(name);
      return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' ? p : undefined;
    }, 120_000);
    const terminated = pod.status.containerStatuses?.[0]?.state?.terminated;
    assert.equal(pod.status.phase, 'Succeeded', `probe ${name} on ${node.name} failed: ${terminated?.message ?? JSON.stringify(pod.status)}`);
    assert.equal(pod.spec.nodeName, node.name);
    return String(terminated?.message ?? '');
  };
  // busybox's own `wget -T` crashes in Debian's busybox-static 1.35; `timeout` bounds each request.
  /** Shell: retry one wget of `url` until it answers (the node's rules may still be syncing), at most ~30 s. */
  const firstAnswer = (url: string) => `i=0; until timeout 2 wget -q -O /dev/null ${url}; do i=$((i+1)); [ $i -gt 60 ] && { echo "no answer from ${url}"; exit 1; }; sleep 0.5; done`;

  before(async () => {
    await reapStaleTestEnvs();
    fx = await NetnsFixture.create('mn');
    nodes.a.netns = await fx.netns('a');
    nodes.b.netns = await fx.netns('b');
    // Two "hosts" on one segment (MTU 1500, as the pods' veths get without a default route).
    await fx.link(nodes.a.netns, `${nodes.a.ip}/24`, nodes.b.netns, `${nodes.b.ip}/24`, 1500);
    claims.push(claimTestResources({ dir: serverDir, root: nodes.a.runtimeRoot, cgroupRoot: nodes.a.cgroupRoot, podsDir: join(serverDir, 'agent', 'pods') }, `e2e-mn-${tag}-a`));
    claims.push(claimTestResources({ dir: agentDir, root: nodes.b.runtimeRoot, cgroupRoot: nodes.b.cgroupRoot, podsDir: join(agentDir, 'agent', 'pods') }, `e2e-mn-${tag}-b`));
    ({ registry, image } = await startBusyboxRegistry(claims[0]!));
    await pushImage(registry.url, 'k8ts/web', '1', await buildBusyboxImage({ config: { Cmd: ['sh', '-c', serveHostname] } }));

    // Neither cluster DNS nor Ingress is part of this test (their default ports are the machine's).
    server = await startK8ts({ dataDir: serverDir, agent: true, extraArgs: [...nodeArgs(nodes.a), '--disable', 'coredns', '--disable', 'ingress'] });
    k = new Kubectl('1.33', server.kubeconfig);
    const token = readFileSync(join(serverDir, 'token'), 'utf8').trim();
    agent = spawn(process.execPath, [k8ts, 'agent', '--server', server.url, '--token', token, '--data-dir', agentDir, ...nodeArgs(nodes.b)], { stdio: ['ignore', 'ignore', 'pipe'] });
    agent.stderr!.setEncoding('utf8').on('data', (d: string) => (agentLog = (agentLog + d).slice(-8000)));
  });

  after(async () => {
    // runCleanup runs every step even when an earlier one failed, so nothing is left on the machine.
    const reset = (dir: string) =>
      new Promise<void>((done, fail) => {
        // The data dirs themselves are removed below, also when no agent ever ran from them.
        const c = spawn(process.execPath, [k8ts, 'reset', '--data-dir', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        c.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
        c.once('exit', (code) => (code === 0 ? done() : fail(new Error(`k8ts reset --data-dir ${dir} exited ${code}: ${err}`))));
      });
    await runCleanup([
      async () => {
        if (!agent || agent.exitCode !== null || agent.signalCode !== null) return;
        const exited = new Promise((r) => agent!.once('exit', r));
        agent.kill('SIGTERM');
        const timer = setTimeout(() => agent!.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      },
      () => server?.stop(),
      // The nodes' networking lives in A and B, so reset runs while they still exist.
      () => reset(agentDir),
      () => reset(serverDir),
      () => fx?.cleanup(),
      () => registry?.stop(),
      ...claims.map((c) => () => c.release()),
      () => rmSync(agentDir, { recursive: true, force: true }),
      () => rmSync(serverDir, { recursive: true, force: true }),
    ]);
  });

  it('kubectl get nodes -o wide shows both nodes Ready with their INTERNAL-IPs; each routes the other\'s podCIDR via its address', async () => {
    const rows = await waitFor('both nodes Ready', async () => {
      if (agent && agent.exitCode !== null) throw new Fatal(`k8ts agent exited ${agent.exitCode}: ${agentLog}`);
      const text = await kc('get', 'nodes', '-o', 'wide', '--no-headers');
      const lines = [nodes.a, nodes.b].map((n) => text.split('\n').find((l) => l.startsWith(`${n.name} `)));
      return lines.every((l) => l && /^\S+\s+Ready\s/.test(l)) ? (lines as string[]) : undefined;
    });
    // NAME STATUS ROLES AGE VERSION INTERNAL-IP …
    assert.equal(rows[0]!.split(/\s+/)[5], nodes.a.ip);
    assert.equal(rows[1]!.split(/\s+/)[5], nodes.b.ip);
    assert.match(rows[0]!.split(/\s+/)[2]!, /control-plane/);
    const cidr = async (n: TestNode) => waitFor(`${n.name} podCIDR`, async () => (await kc('get', 'node', n.name, '-o', 'jsonpath={.spec.podCIDR}')).trim());
    const [cidrA, cidrB] = [await cidr(nodes.a), await cidr(nodes.b)];
    assert.notEqual(cidrA, cidrB);
    const routes = (n: TestNode) => new HostCommands(n.netns).run('ip', ['route', 'show', 'proto', String(k8tsRouteProtocol)]).then((r) => r.stdout);
    await waitFor('host-gw routes on both nodes', async () => (await routes(nodes.a)).includes(`${cidrB} via ${nodes.b.ip}`) && (await routes(nodes.b)).includes(`${cidrA} via ${nodes.a.ip}`));
  });

  it('pods pinned to each node reach each other by pod IP', async () => {
    await podOn('web-a', nodes.a, { containers: [{ name: 'web', image: `${registry!.host}/k8ts/web:1`, ports: [{ containerPort: 8080 }] }] });
    await podOn('web-b', nodes.b, { containers: [{ name: 'web', image: `${registry!.host}/k8ts/web:1`, ports: [{ containerPort: 8080, hostPort: 18080 }] }] });
    const [a, b] = [await runningPod('web-a'), await runningPod('web-b')];
    assert.equal(a.spec.nodeName, nodes.a.name);
    assert.equal(b.spec.nodeName, nodes.b.name);
    const prefix = async (n: TestNode) => (await kc('get', 'node', n.name, '-o', 'jsonpath={.spec.podCIDR}')).trim().split('.').slice(0, 3).join('.') + '.';
    assert.ok(a.status.podIP.startsWith(await prefix(nodes.a)), `web-a ${a.status.podIP}`);
    assert.ok(b.status.podIP.startsWith(await prefix(nodes.b)), `web-b ${b.status.podIP}`);
    assert.equal(a.status.hostIP, nodes.a.ip);
    assert.equal(b.status.hostIP, nodes.b.ip);
    const wide = await kc('get', 'pods', '-o', 'wide', '--no-headers');
    assert.match(wide, new RegExp(`^web-b\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${b.status.podIP.replace(/\./g, '\\.')}\\s+${nodes.b.name}\\s`, 'm'));

    const fetch = (url: string) => `${firstAnswer(url)} && timeout 2 wget -q -O /dev/termination-log ${url}`;
    assert.equal((await probe('reach-b-from-a', nodes.a, fetch(`http://${b.status.podIP}:8080/`))).trim(), 'web-b');
    assert.equal((await probe('reach-a-from-b', nodes.b, fetch(`http://${a.status.podIP}:8080/`))).trim(), 'web-a');
  });

  it('a ClusterIP Service with endpoints on both nodes answers from a pod on either node', async () => {
    await kc('create', 'service', 'clusterip', 'web', '--tcp=80:8080');
    const vip = (await kc('get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}')).trim();
    await waitFor('2 endpoints', async () => (await kc('get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={.items[*].endpoints[*].addresses[0]}')).trim().split(/\s+/).length === 2);
    // 24 requests: both endpoints answer unless the balancing is broken (chance of a miss ~2^-23).
    const script = `${firstAnswer(`http://${vip}/`)} && for i in $(seq 24); do timeout 2 wget -q -O - http://${vip}/; done > /dev/termination-log`;
    for (const [name, node] of [['svc-from-a', nodes.a], ['svc-from-b', nodes.b]] as const) {
      const answers = (await probe(name, node, script)).split('\n').filter(Boolean);
      assert.equal(answers.length, 24, `${name}: ${answers.join(',')}`);
      assert.deepEqual([...new Set(answers)].sort(), ['web-a', 'web-b'], `${name} answered by ${[...new Set(answers)].join(', ')}`);
    }
  });

  it("a hostPort answers on its node's address, from the other node", async () => {
    const r = await waitFor('hostPort 18080 on node b', async () => {
      const x = await fx.curl(nodes.a.netns, `http://${nodes.b.ip}:18080/`);
      return x.ok ? x : undefined;
    }, 30_000);
    assert.equal(r.body.trim(), 'web-b');
    // Only web-b's node serves it.
    assert.notEqual((await fx.curl(nodes.b.netns, `http://${nodes.a.ip}:18080/`)).ok, true);
  });

  it("a NodePort answers on either node's address from the other host, balanced over pods on both nodes", async () => {
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-np' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
    const nodePort = Number(await kc('get', 'svc', 'web-np', '-o', 'jsonpath={.spec.ports[0].nodePort}'));
    await waitFor('2 endpoints of web-np', async () => (await kc('get', 'endpointslices', '-l', 'kubernetes.io/service-name=web-np', '-o', 'jsonpath={.items[*].endpoints[*].addresses[0]}')).trim().split(/\s+/).length === 2);
    // From A to B's address: traffic to web-a goes back across the segment (masqueraded by B).
    const seen = new Set<string>();
    await waitFor(`both pods behind ${nodes.b.ip}:${nodePort}`, async () => {
      const r = await fx.curl(nodes.a.netns, `http://${nodes.b.ip}:${nodePort}/`);
      if (r.ok) seen.add(r.body.trim());
      return seen.size === 2;
    }, 60_000);
    assert.deepEqual([...seen].sort(), ['web-a', 'web-b']);
    const r = await waitFor(`${nodes.a.ip}:${nodePort} from B`, async () => {
      const x = await fx.curl(nodes.b.netns, `http://${nodes.a.ip}:${nodePort}/`);
      return x.ok ? x : undefined;
    }, 30_000);
    assert.match(r.body.trim(), /^web-[ab]$/);
  });

  it('a deleted node is no longer routed to', async () => {
    const cidrB = (await kc('get', 'node', nodes.b.name, '-o', 'jsonpath={.spec.podCIDR}')).trim();
    const routesOnA = async () => (await new HostCommands(nodes.a.netns).run('ip', ['route', 'show', 'proto', String(k8tsRouteProtocol)])).stdout;
    assert.match(await routesOnA(), new RegExp(`^${cidrB.replace(/\./g, '\\.')} via ${nodes.b.ip.replace(/\./g, '\\.')}`, 'm'));
    // The agent goes first, as an admin drains and removes a machine; then its Node.
    const exited = new Promise((r) => agent!.once('exit', r));
    agent!.kill('SIGTERM');
    await exited;
    await kc('delete', 'node', nodes.b.name);
    await waitFor(`the route to ${cidrB} to go`, async () => !(await routesOnA()).includes(cidrB), 30_000);
  });
});
