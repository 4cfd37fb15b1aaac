// The node agent end to end: a real `k8ts server` with its embedded agent running pods as
// runc containers from a busybox image in a real registry, driven by the real kubectl.
// A second node joins with `k8ts agent --token`. Everything the test creates on the
// machine (containers, mounts, netns, cgroups) is removed with `k8ts reset` at the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resetNode } from '../../src/agent/reset/reset.js';
import { detectCgroupLayout } from '../../src/agent/runtime/cgroups.js';
import { listNetns } from '../../src/agent/runtime/netns.js';
import { mountPoints } from '../../src/agent/runtime/overlay.js';
import { claimTestResources } from '../../src/agent/runtime/test-support.js';
import { AgentNode, startAgentNode } from '../support/agent-node.js';
import type { TestServer } from '../support/k8ts-server.js';
import { nodeNetnsFor } from '../support/node-netns.js';
import { Kubectl, kubectlBinary } from '../support/kubectl.js';
import { killKubectlStreams, streamKubectl } from '../support/kubectl-stream.js';
import { onTerminal } from '../support/terminal.js';
import type { TestRegistry } from '../support/registry.js';
import { runCleanup, waitFor } from '../support/wait-for.js';

const tag = randomBytes(3).toString('hex');
const node2 = `k8ts-e2e-${tag}-b`;
const agentArgs = (n: string, suffix = '') => ['--node-name', n, '--node-ip', '127.0.0.1', '--kubelet-port', '0', '--cgroup-root', `${cgroupRoot}${suffix}`, '--runtime-root', `${runtimeRoot}${suffix}`];
const repoRoot = resolve(import.meta.dirname, '../../..');

let agentNode: AgentNode;
let node: string;
let cgroupRoot: string;
let runtimeRoot: string;
let registry: TestRegistry;
let image: string;
let dataDir: string;
let server: TestServer;
let k: Kubectl;
let agent2: ChildProcess | undefined;
const agent2Dir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-agent-'));
const claims: ReturnType<typeof claimTestResources>[] = [];

const getPod = (name: string) => agentNode.pod(name);
const applyPod = (spec: Record<string, unknown>) => agentNode.applyPod(spec);

function containerStatus(pod: Record<string, any> | undefined, name?: string): Record<string, any> | undefined {
  const list = (pod?.status?.containerStatuses ?? []) as Record<string, any>[];
  return name ? list.find((c) => c.name === name) : list[0];
}

const kubectlStream = (args: string[]) => streamKubectl(k, args);

/** Processes whose command line or open files name a path under one of `dirs`. */
function processesUsing(dirs: string[]): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const fds = readdirSync(`/proc/${pid}/fd`).map((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return '';
        }
      });
      if ([cmdline, ...fds].some((text) => dirs.some((d) => text.includes(d)))) found.push(`${pid}: ${cmdline}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

before(async () => {
  agentNode = await startAgentNode({ name: `e2e-${tag}` });
  ({ nodeName: node, cgroupRoot, runtimeRoot, registry, image, dataDir, server, k } = agentNode);
  // If this process dies, the next run of a runtime test removes what it made.
  claims.push(claimTestResources({ dir: agent2Dir, root: `${runtimeRoot}-b`, cgroupRoot: `${cgroupRoot}-b`, podsDir: join(agent2Dir, 'agent', 'pods') }, `e2e-${tag}-b`));
});

after(() =>
  runCleanup([
    killKubectlStreams,
    async () => {
      if (agent2 && agent2.exitCode === null) {
        agent2.kill('SIGTERM');
        await new Promise((r) => agent2!.once('exit', r));
      }
    },
    () => agentNode?.server?.stop(),
    () => agentNode?.stop(),
    () => resetNode({ dataDir: agent2Dir, removeData: true }),
    ...claims.map((c) => () => c.release()),
  ]),
);

describe('node', () => {
  test('registers with addresses, capacity, nodeInfo, conditions and a Lease', async () => {
    const out = await waitFor('node Ready', async () => {
      const text = await k.ok(['get', 'nodes', '-o', 'wide']);
      return text.includes(node) && /\bReady\b/.test(text) ? text : undefined;
    });
    const row = out.split('\n').find((l) => l.startsWith(node))!;
    assert.match(row, new RegExp(`^${node}\\s+Ready\\s+control-plane,master\\s+\\S+\\s+v1\\.33\\.\\S+\\s+127\\.0\\.0\\.1\\s+<none>\\s+.+\\s+runc://\\d+\\.\\d+\\.\\d+$`));
    const n = JSON.parse(await k.ok(['get', 'node', node, '-o', 'json']));
    assert.equal(n.status.capacity.pods, '110');
    for (const r of ['cpu', 'memory', 'ephemeral-storage']) assert.ok(n.status.allocatable[r], r);
    assert.deepEqual(n.status.conditions.map((c: any) => `${c.type}=${c.status}`), ['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
    assert.equal(n.status.nodeInfo.operatingSystem, 'linux');
    assert.ok(n.status.daemonEndpoints.kubeletEndpoint.Port > 0);
    const lease = JSON.parse(await k.ok(['get', 'lease', node, '-n', 'kube-node-lease', '-o', 'json']));
    assert.equal(lease.spec.holderIdentity, node);
    assert.equal(lease.metadata.ownerReferences[0].kind, 'Node');
  });
});

describe('pods', () => {
  test('kubectl run: get pods -w shows ContainerCreating then Running; logs -f streams', async () => {
    const watch = kubectlStream(['get', 'pods', '-w']);
    await k.ok(['run', 'db', `--image=${image}`, '--command', '--', 'sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.3; done']);
    await waitFor('Running in get -w', async () => watch.lines.some((l) => /^db\s+1\/1\s+Running/.test(l)));
    watch.stop();
    const states = watch.lines.filter((l) => l.startsWith('db ')).map((l) => l.split(/\s+/)[2]);
    assert.ok(states.indexOf('ContainerCreating') >= 0 && states.indexOf('ContainerCreating') < states.indexOf('Running'), states.join(' → '));

    const pod = (await getPod('db'))!;
    assert.equal(pod.status.phase, 'Running');
    assert.deepEqual(pod.status.conditions.map((c: any) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    const cs = containerStatus(pod)!;
    assert.match(cs.containerID, /^runc:\/\/[0-9a-f]{64}$/);
    assert.equal(cs.image, image);
    assert.match(cs.imageID, new RegExp(`^${registry.host}/k8ts/busybox@sha256:[0-9a-f]{64}$`));
    assert.equal(cs.started, true);
    assert.equal(pod.status.hostIP, '127.0.0.1');
    assert.ok(pod.status.startTime);

    const follow = kubectlStream(['logs', '-f', 'db', '--tail=1']);
    await waitFor('three streamed lines', async () => follow.lines.filter((l) => l.startsWith('tick')).length >= 3);
    follow.stop();
    const nums = follow.lines.map((l) => Number(l.split(' ')[1]));
    assert.ok(nums[2]! > nums[0]!, 'lines keep coming');

    const events = await k.ok(['get', 'events', '--field-selector', 'involvedObject.name=db', '-o', 'custom-columns=REASON:.reason,MESSAGE:.message', '--no-headers']);
    for (const reason of ['Pulling', 'Pulled', 'Created', 'Started']) assert.match(events, new RegExp(`^${reason}\\s`, 'm'));
    assert.match(events, /Created container: db/);
  });

  test('logs options: --tail, --timestamps, --since, --limit-bytes, -l', async () => {
    assert.equal((await k.ok(['logs', 'db', '--tail=2'])).trim().split('\n').length, 2);
    const stamped = (await k.ok(['logs', 'db', '--tail=1', '--timestamps'])).trim();
    assert.match(stamped, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z tick \d+$/);
    assert.equal(await k.ok(['logs', 'db', '--limit-bytes=4']), 'tick');
    // --since only means something once the container has logged for longer than that.
    const all = await waitFor('2 s of logs', async () => {
      const lines = (await k.ok(['logs', 'db'])).trim().split('\n');
      return lines.length >= 8 ? lines : undefined;
    });
    const recent = (await k.ok(['logs', 'db', '--since=1s'])).trim().split('\n');
    assert.ok(recent.length < all.length);
    assert.match(await k.ok(['logs', '-l', 'run=db', '--tail=1']), /^tick \d+\n$/);
    const bad = await k.run(['logs', 'db', '-c', 'nope']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /container nope is not valid for pod db/);
  });

  test('kubectl exec runs in the pod: hostname, hosts and resolv.conf', async () => {
    assert.equal((await k.ok(['exec', 'db', '--', 'hostname'])).trim(), 'db');
    assert.match(await k.ok(['exec', 'db', '--', 'cat', '/etc/hosts']), /^# Kubernetes-managed hosts file\.\n127\.0\.0\.1\tlocalhost\n/);
    const env = await k.ok(['exec', 'db', '--', 'env']);
    assert.match(env, /^KUBERNETES_SERVICE_HOST=10\.43\.0\.1$/m);
    assert.match(env, /^KUBERNETES_PORT_443_TCP=tcp:\/\/10\.43\.0\.1:443$/m);
    assert.match(env, /^HOSTNAME=db$/m);
    assert.match(await k.ok(['exec', 'db', '--', 'cat', '/etc/resolv.conf']), /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local.*\nnameserver 10\.43\.0\.10\noptions ndots:5\n$/s);
  });

  test('a host-network pod sees the node network and reports the node IP', async () => {
    await applyPod({ metadata: { name: 'hostnet' }, spec: { hostNetwork: true, containers: [{ name: 'c', image, command: ['sleep', '100000'] }] } });
    const pod = await waitFor('hostnet running', async () => {
      const p = await getPod('hostnet');
      return p?.status?.phase === 'Running' ? p : undefined;
    });
    assert.equal(pod.status.podIP, '127.0.0.1');
    assert.equal((await k.ok(['exec', 'hostnet', '--', 'hostname'])).trim(), hostname());
    assert.match(await k.ok(['exec', 'hostnet', '--', 'ip', 'link']), /\blo\b/);
    assert.match(await k.ok(['exec', 'hostnet', '--', 'cat', '/etc/hosts']), /^# Kubernetes-managed hosts file \(host network\)\.\n/);
    await k.ok(['delete', 'pod', 'hostnet', '--grace-period=1']);
  });

  test('a main process killed from inside restarts; logs --previous shows the old run', async () => {
    await applyPod({
      metadata: { name: 'phoenix' },
      spec: {
        // PID 1 with a TERM handler, so `kill 1` inside the container ends it.
        containers: [{ name: 'app', image, command: ['sh', '-c', 'trap "exit 143" TERM; echo "run $(cat /proc/sys/kernel/random/uuid)"; while true; do sleep 0.2; done'] }],
      },
    });
    await waitFor('phoenix running', async () => containerStatus(await getPod('phoenix'))?.state?.running);
    const first = (await waitFor('first run logged', async () => (await k.ok(['logs', 'phoenix'])).trim())).trim();
    await k.ok(['exec', 'phoenix', '--', 'kill', '1']);
    const cs = await waitFor('restart', async () => {
      const s = containerStatus(await getPod('phoenix'));
      return s?.restartCount === 1 && s.state?.running ? s : undefined;
    });
    assert.equal(cs.lastState.terminated.exitCode, 143);
    assert.equal(cs.lastState.terminated.reason, 'Error');
    assert.equal((await k.ok(['logs', 'phoenix', '--previous'])).trim(), first);
    const second = (await waitFor('second run logged', async () => (await k.ok(['logs', 'phoenix'])).trim())).trim();
    assert.match(second, /^run [0-9a-f-]{36}$/);
    assert.notEqual(second, first);
    const row = await k.ok(['get', 'pod', 'phoenix', '--no-headers']);
    assert.match(row, /^phoenix\s+1\/1\s+Running\s+1 \(\d+s ago\)/);
  });

  test('a crashing container reaches CrashLoopBackOff with growing delays', async () => {
    await applyPod({ metadata: { name: 'crasher' }, spec: { containers: [{ name: 'c', image, command: ['sh', '-c', 'echo boom; exit 3'] }] } });
    const first = await waitFor('first back-off', async () => {
      const s = containerStatus(await getPod('crasher'));
      return s?.state?.waiting?.reason === 'CrashLoopBackOff' ? s : undefined;
    });
    assert.match(first.state.waiting.message, /^back-off 10s restarting failed container=c pod=crasher_default\(/);
    assert.equal(first.lastState.terminated.exitCode, 3);
    assert.match(await k.ok(['get', 'pod', 'crasher', '--no-headers']), /CrashLoopBackOff/);
    assert.equal((await k.ok(['logs', 'crasher'])).trim(), 'boom');
    const second = await waitFor('longer back-off', async () => {
      const s = containerStatus(await getPod('crasher'));
      return /^back-off 20s/.test(s?.state?.waiting?.message ?? '') ? s : undefined;
    });
    assert.ok(second.restartCount > first.restartCount);
    const events = await k.ok(['get', 'events', '--field-selector', 'involvedObject.name=crasher,reason=BackOff', '--no-headers']);
    assert.match(events, /Back-off restarting failed container c in pod crasher_default/);
  });

  test('restartPolicy Never and OnFailure finish the pod', async () => {
    await applyPod({ metadata: { name: 'once' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image, command: ['sh', '-c', 'echo done'] }] } });
    await applyPod({ metadata: { name: 'fails' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image, command: ['sh', '-c', 'exit 2'] }] } });
    await applyPod({ metadata: { name: 'retry' }, spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image, command: ['sh', '-c', 'exit 0'] }] } });
    for (const [name, phase] of [['once', 'Succeeded'], ['fails', 'Failed'], ['retry', 'Succeeded']] as const) {
      const pod = await waitFor(`${name} ${phase}`, async () => {
        const p = await getPod(name);
        return p?.status?.phase === phase ? p : undefined;
      });
      assert.equal(containerStatus(pod)!.restartCount, 0);
    }
    assert.match(await k.ok(['get', 'pod', 'once', '--no-headers']), /^once\s+0\/1\s+Completed/);
    assert.match(await k.ok(['get', 'pod', 'fails', '--no-headers']), /^fails\s+0\/1\s+Error/);
    assert.equal((await k.ok(['logs', 'once'])).trim(), 'done');
  });

  test('init containers run first; a memory limit is enforced (OOMKilled)', async () => {
    await applyPod({
      metadata: { name: 'withinit' },
      spec: {
        initContainers: [
          { name: 'setup', image, command: ['sh', '-c', 'echo preparing'] },
          { name: 'sidecar', image, restartPolicy: 'Always', command: ['sh', '-c', 'echo beside; sleep 100000'] },
        ],
        containers: [{ name: 'app', image, command: ['sh', '-c', 'echo app; sleep 100000'] }],
      },
    });
    const pod = await waitFor('withinit running', async () => {
      const p = await getPod('withinit');
      return p?.status?.phase === 'Running' ? p : undefined;
    });
    assert.equal(pod.status.initContainerStatuses[0].state.terminated.reason, 'Completed');
    assert.equal(pod.status.conditions.find((c: any) => c.type === 'Initialized').status, 'True');
    assert.equal((await k.ok(['logs', 'withinit', '-c', 'setup'])).trim(), 'preparing');
    assert.match(await k.ok(['get', 'pod', 'withinit', '--no-headers']), /^withinit\s+2\/2\s+Running/);
    assert.equal((await k.ok(['logs', 'withinit', '-c', 'sidecar'])).trim(), 'beside');

    await applyPod({
      metadata: { name: 'hog' },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'c', image, command: ['sh', '-c', 'x=$(head -c 300000000 /dev/zero | tr "\\0" a); echo survived'], resources: { limits: { memory: '32Mi' } } }],
      },
    });
    const t = await waitFor('OOMKilled', async () => containerStatus(await getPod('hog'))?.state?.terminated);
    assert.equal(t.reason, 'OOMKilled');
    assert.equal(t.exitCode, 137);
    assert.equal((await getPod('hog'))!.status.qosClass, 'Burstable');
  });

  test('two containers of a pod share localhost; --all-containers and -c', async () => {
    await applyPod({
      metadata: { name: 'pair', labels: { app: 'pair' } },
      spec: {
        containers: [
          { name: 'server', image, command: ['sh', '-c', 'mkdir -p /www && echo hello-from-server > /www/index.html && echo serving && exec httpd -f -p 127.0.0.1:8080 -h /www'] },
          { name: 'client', image, command: ['sh', '-c', 'until wget -q -O - http://127.0.0.1:8080/; do sleep 0.2; done; sleep 100000'] },
        ],
      },
    });
    await waitFor('client fetched', async () => (await k.run(['logs', 'pair', '-c', 'client'])).stdout.includes('hello-from-server'));
    const both = await k.ok(['logs', 'pair', '--all-containers']);
    assert.match(both, /serving/);
    assert.match(both, /hello-from-server/);
    const noContainer = await k.run(['logs', 'pair']);
    assert.match(noContainer.stdout + noContainer.stderr, /serving|container/);
    assert.match(await k.ok(['get', 'pod', 'pair', '--no-headers']), /^pair\s+2\/2\s+Running/);
  });

  test('delete: a process ignoring SIGTERM ends after the grace period, one honouring it at once', async () => {
    await applyPod({ metadata: { name: 'stubborn' }, spec: { terminationGracePeriodSeconds: 3, containers: [{ name: 'c', image, command: ['sleep', '100000'] }] } });
    await applyPod({ metadata: { name: 'polite' }, spec: { terminationGracePeriodSeconds: 60, containers: [{ name: 'c', image, command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done'] }] } });
    for (const name of ['stubborn', 'polite']) await waitFor(`${name} running`, async () => containerStatus(await getPod(name))?.state?.running);
    let t = Date.now();
    await k.ok(['delete', 'pod', 'stubborn']);
    const stubbornMs = Date.now() - t;
    t = Date.now();
    await k.ok(['delete', 'pod', 'polite']);
    const politeMs = Date.now() - t;
    assert.ok(stubbornMs >= 3000, `SIGKILL only after the 3 s grace period (took ${stubbornMs} ms)`);
    assert.ok(politeMs < 30_000, `SIGTERM ends it long before its 60 s grace period (took ${politeMs} ms)`);
    assert.equal(await getPod('stubborn'), undefined);
    const events = await k.ok(['get', 'events', '--field-selector', 'involvedObject.name=stubborn,reason=Killing', '--no-headers']);
    assert.match(events, /Stopping container c/);
  });

  test('a container that cannot start, and a missing image, are reported like the kubelet', async () => {
    await applyPod({ metadata: { name: 'badcmd' }, spec: { containers: [{ name: 'c', image, command: ['no-such-binary'] }] } });
    await applyPod({ metadata: { name: 'noimage' }, spec: { containers: [{ name: 'c', image: `${registry.host}/k8ts/missing:1` }] } });
    await applyPod({ metadata: { name: 'nocm' }, spec: { containers: [{ name: 'c', image, envFrom: [{ configMapRef: { name: 'absent' } }] }] } });
    const bad = await waitFor('StartError', async () => {
      const s = containerStatus(await getPod('badcmd'));
      const t = s?.state?.terminated ?? s?.lastState?.terminated;
      return t?.reason === 'StartError' ? t : undefined;
    });
    assert.equal(bad.exitCode, 128);
    assert.match(bad.message, /executable file not found/);
    await waitFor('ErrImagePull', async () => /ErrImagePull|ImagePullBackOff/.test(containerStatus(await getPod('noimage'))?.state?.waiting?.reason ?? ''));
    const cfg = await waitFor('CreateContainerConfigError', async () => {
      const w = containerStatus(await getPod('nocm'))?.state?.waiting;
      return w?.reason === 'CreateContainerConfigError' ? w : undefined;
    });
    assert.equal(cfg.message, 'configmap "absent" not found');
    const waiting = await k.run(['logs', 'nocm']);
    assert.match(waiting.stderr, /container "c" in pod "nocm" is waiting to start: CreateContainerConfigError/);
    await k.ok(['delete', 'pod', 'badcmd', 'noimage', 'nocm', '--grace-period=1']);
  });
});

describe('restarts', () => {
  test('killing the server loses no pod and keeps its containers running', async () => {
    // A shell on a terminal too: its terminal and open stdin live in the shim, not the agent.
    await applyPod({ metadata: { name: 'console' }, spec: { containers: [{ name: 'c', image, command: ['sh'], stdin: true, tty: true }] } });
    const consoleBefore = await waitFor('console running', async () => {
      const s = containerStatus(await getPod('console'));
      return s?.state?.running ? s : undefined;
    });
    const podsBefore = await k.ok(['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,UID:.metadata.uid', '--no-headers']);
    const before = containerStatus(await getPod('db'))!;
    await server.kill9();
    await agentNode.restart();
    ({ server, k } = agentNode);
    const after = await waitFor('db reported again', async () => {
      const s = containerStatus(await getPod('db'));
      return s?.state?.running ? s : undefined;
    });
    assert.equal(after.containerID, before.containerID, 'the same container, adopted');
    assert.equal(after.restartCount, 0);
    assert.equal(await k.ok(['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,UID:.metadata.uid', '--no-headers']), podsBefore);
    const consoleAfter = containerStatus(await getPod('console'))!;
    assert.equal(consoleAfter.containerID, consoleBefore.containerID);
    assert.equal(consoleAfter.restartCount, 0);
    const t = onTerminal([kubectlBinary('1.33'), '--kubeconfig', server.kubeconfig, 'attach', '-it', 'console']);
    try {
      await t.waitFor(/If you don't see a command prompt, try pressing enter\./, 0, 30_000);
      t.type('echo after $((3*5))\r');
      await t.waitFor(/\nafter 15\r*\n/);
    } finally {
      t.kill();
    }
    const lines = (await k.ok(['logs', 'db', '--tail=3'])).trim().split('\n');
    const lastBefore = Number((await waitFor('newer line', async () => {
      const l = (await k.ok(['logs', 'db', '--tail=1'])).trim();
      return Number(l.split(' ')[1]) > Number(lines[2]!.split(' ')[1]) ? l : undefined;
    })).split(' ')[1]);
    assert.ok(lastBefore > 0);
    });
});

describe('join', () => {
  test('k8ts agent --server --token joins a second node that runs pods and serves logs', async () => {
    const token = readFileSync(join(dataDir, 'token'), 'utf8').trim();
    assert.match(token, /^K10[0-9a-f]{64}::server:[0-9a-f]+$/);
    agent2 = spawn(process.execPath, [join(repoRoot, 'bin', 'k8ts'), 'agent', '--server', server.url, '--token', token, '--data-dir', agent2Dir, '--node-netns', (await nodeNetnsFor(agent2Dir)).name, ...agentArgs(node2, '-b')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    agent2.stderr!.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-4000)));
    await waitFor(`node ${node2} Ready`, async () => {
      if (agent2!.exitCode !== null) throw new Error(`agent exited: ${log}`);
      const n = JSON.parse(await k.ok(['get', 'node', node2, '-o', 'json']));
      return n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
    });
    const n = JSON.parse(await k.ok(['get', 'node', node2, '-o', 'json']));
    assert.equal(n.metadata.labels['node-role.kubernetes.io/control-plane'], undefined);
    assert.ok(existsSync(join(agent2Dir, 'agent', 'tls', 'client.crt')));
    await applyPod({ metadata: { name: 'remote' }, spec: { nodeName: node2, containers: [{ name: 'c', image, command: ['sh', '-c', 'echo from $(hostname); sleep 100000'] }] } });
    await waitFor('remote logs', async () => (await k.run(['logs', 'remote'])).stdout.trim() === 'from remote');
    const bad = await new Promise<number>((res) => {
      const c = spawn(process.execPath, [join(repoRoot, 'bin', 'k8ts'), 'agent', '--server', server.url, '--token', 'K10' + '0'.repeat(64) + '::server:wrong', '--data-dir', join(agent2Dir, 'bad'), ...agentArgs(`${node2}-x`, '-x')], { stdio: 'ignore' });
      c.once('exit', (code) => res(code ?? 1));
    });
    assert.notEqual(bad, 0, 'a token for another CA is refused');
    await k.ok(['delete', 'pod', 'remote', '--grace-period=1']);
  });
});

describe('reset', () => {
  test('k8ts reset removes every container, mount, netns and cgroup', async () => {
    agent2?.kill('SIGTERM');
    if (agent2) await new Promise((r) => agent2!.once('exit', r));
    await server.stop();
    const uids = [join(dataDir, 'agent', 'pods'), join(agent2Dir, 'agent', 'pods')].flatMap((d) => (existsSync(d) ? readdirSync(d) : []));
    assert.ok(uids.length > 0, 'pods were left running by the stopped agents');
    for (const dir of [dataDir, agent2Dir]) {
      const out = await new Promise<string>((res, rej) => {
        const c = spawn(process.execPath, [join(repoRoot, 'bin', 'k8ts'), 'reset', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
        let text = '';
        c.stdout!.setEncoding('utf8').on('data', (d: string) => (text += d));
        c.once('exit', (code) => (code === 0 ? res(text) : rej(new Error(`reset exited ${code}`))));
      });
      assert.match(out, /^removed \d+ container\(s\)/);
    }
    const mounts = (await mountPoints()).filter((m) => m.startsWith(dataDir) || m.startsWith(agent2Dir));
    assert.deepEqual(mounts, []);
    for (const uid of uids) assert.deepEqual(listNetns(`k8ts-${uid.replace(/-/g, '').slice(0, 12)}`), []);
    for (const h of detectCgroupLayout().hierarchies) {
      assert.equal(existsSync(join(h, cgroupRoot)), false, `${h}${cgroupRoot}`);
      assert.equal(existsSync(join(h, `${cgroupRoot}-b`)), false);
    }
    assert.equal(existsSync(runtimeRoot), false);
    // No shim, terminal or stdin holder is left running for a container of these nodes.
    assert.deepEqual(processesUsing([dataDir, agent2Dir]), []);
    rmSync(agent2Dir, { recursive: true, force: true });
  });
});
