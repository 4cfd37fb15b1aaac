// Issue 7 acceptance on real pods: a `k8ts server` whose embedded agent runs busybox pods
// under runc with its pod network (CNI bridge, nftables Service proxy, NetworkPolicy) in the
// node's network namespace, driven by the real kubectl 1.33; clients are pods (wget, nslookup)
// and curl on the node. The cluster DNS forwards outside names to a fake resolver on
// loopback, so no traffic leaves the machine. `k8ts reset` removes it all at the end.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resetNode } from '../../src/agent/reset/reset.js';
import { claimTestResources } from '../../src/agent/runtime/test-support.js';
import { k8tsRouteProtocol } from '../../src/network/cni/host-gw-routes.js';
import { startFakeUpstream, type FakeUpstream } from '../../src/network/dns/test-support.js';
import { HostCommands } from '../../src/network/host/host-commands.js';
import { networkTestsSupported } from '../../src/network/testing/netns-fixture.js';
import { AgentNode, startAgentNode } from '../support/agent-node.js';
import type { TestServer } from '../support/k8ts-server.js';
import { Kubectl } from '../support/kubectl.js';
import { nodeNetnsFor } from '../support/node-netns.js';
import type { TestRegistry } from '../support/registry.js';
import { buildBusyboxImage, pushImage } from '../support/test-images.js';
import { runCleanup, waitFor } from '../support/wait-for.js';

const skip = await networkTestsSupported();
const tag = randomBytes(3).toString('hex');
const repoRoot = resolve(import.meta.dirname, '../../..');
/** A pod range of its own, which the machine routes to this run's node only. */
const clusterCIDR = `10.${randomInt(100, 200)}.0.0/16`;
/** Each web pod serves its host name at / and /demo/ on port 8080. */
const serveHostname = 'mkdir -p /www/demo && hostname > /www/index.html && hostname > /www/demo/index.html && exec httpd -f -p 8080 -h /www';
/** Version 2 takes 2 s to start serving (`v2 <hostname>`): only a readiness probe keeps it out of rotation until then. */
const serveSlowly = 'sleep 2; mkdir -p /www && echo "v2 $(hostname)" > /www/index.html && exec httpd -f -p 8080 -h /www';
const outsideName = 'outside.example';
const outsideIP = '203.0.113.7';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

describe('pod networking on the real agent (kubectl, runc pods, wget, nslookup, curl)', { skip, timeout: 600_000 }, () => {
  let n: AgentNode | undefined;
  let nodeName: string;
  let cgroupRoot: string;
  let runtimeRoot: string;
  let registry: TestRegistry;
  let upstream: FakeUpstream;
  let server: TestServer;
  let k: Kubectl;
  let work: string;
  let dataDir: string;
  let node: HostCommands;
  let image: string;
  let httpPort: number;
  let httpsPort: number;
  let claim2: ReturnType<typeof claimTestResources> | undefined;
  let hostRoute: string[] | undefined;
  let agent2: ChildProcess | undefined;
  let agent2Dir: string | undefined;
  const stopAgent2 = async () => {
    if (agent2 && agent2.exitCode === null && agent2.signalCode === null) {
      agent2.kill('SIGTERM');
      await new Promise((r) => agent2!.once('exit', r));
    }
  };

  const kc = (...args: string[]) => k.ok(args);
  /** One HTTP GET from a pod (busybox wget, bounded by timeout): the body, or the error. */
  const wgetFrom = async (pod: string, url: string, ns = 'default') => {
    const r = await k.run(['exec', '-n', ns, pod, '--', 'timeout', '3', 'wget', '-q', '-O', '-', url]);
    return { ok: r.code === 0, body: r.stdout.trim(), error: r.stderr.trim() };
  };
  /** Addresses busybox nslookup printed for a name (from the answer section). */
  const nslookup = async (pod: string, name: string) => {
    const r = await k.run(['exec', pod, '--', 'nslookup', name]);
    const answer = r.stdout.split(/\n\s*\n/).slice(1).join('\n');
    return [...answer.matchAll(/^Address:\s*(\S+)$/gm)].map((m) => m[1]!).sort();
  };
  const curlOnNode = async (args: string[]) => {
    const r = await node.run('curl', ['-s', '-S', '--max-time', '3', ...args], { allowFailure: true });
    return { ok: r.code === 0, body: r.stdout.trim(), exit: r.code, error: r.stderr.trim() };
  };
  const curlOnHost = async (args: string[]) => {
    const r = await new HostCommands().run('curl', ['-s', '-S', '--max-time', '3', ...args], { allowFailure: true });
    return { ok: r.code === 0, body: r.stdout.trim(), exit: r.code, error: r.stderr.trim() };
  };
  const podsOf = async (app: string) =>
    JSON.parse(await kc('get', 'pods', '-l', `app=${app}`, '-o', 'json')).items.filter((p: any) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp) as any[];
  const vipOf = async (svc: string) => (await kc('get', 'svc', svc, '-o', 'jsonpath={.spec.clusterIP}')).trim();

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'k8ts-e2e-netpods-'));
    // The outside world: a resolver on a loopback address of its own, named by --resolv-conf.
    const upstreamIP = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    upstream = await startFakeUpstream({ [outsideName]: [{ type: 'A', name: outsideName, ttl: 60, data: outsideIP }] }, { host: upstreamIP, port: 53 });
    writeFileSync(join(work, 'resolv.conf'), `nameserver ${upstreamIP}\n`);
    [httpPort, httpsPort] = [await freePort(), await freePort()];
    n = await startAgentNode({
      name: `net-${tag}`,
      extraArgs: ['--cluster-cidr', clusterCIDR, '--resolv-conf', join(work, 'resolv.conf'), '--ingress-http-port', String(httpPort), '--ingress-https-port', String(httpsPort)],
    });
    ({ nodeName, cgroupRoot, runtimeRoot, registry, image, dataDir, server, k } = n);
    await pushImage(registry.url, 'k8ts/web', '1', await buildBusyboxImage({ config: { Cmd: ['sh', '-c', serveHostname] } }));
    await pushImage(registry.url, 'k8ts/web', '2', await buildBusyboxImage({ config: { Cmd: ['sh', '-c', serveSlowly] } }));
    node = new HostCommands(server.nodeNetns!.name);
    // The server process (Ingress) reaches the node's pods over the node's link.
    const podCIDR = await waitFor('the node podCIDR', async () => (await kc('get', 'node', nodeName, '-o', 'jsonpath={.spec.podCIDR}')).trim());
    hostRoute = [podCIDR, 'via', server.nodeNetns!.nodeAddress, 'dev', server.nodeNetns!.hostLink];
    execFileSync('ip', ['route', 'add', ...hostRoute]);
    await kc('create', 'namespace', 'team-a');
    await kc('label', 'namespace', 'team-a', 'team=a');
    await kc('run', 'client', `--image=${image}`, '--restart=Never', '--', 'sleep', '100000');
    await kc('run', 'client', '-n', 'team-a', `--image=${image}`, '--restart=Never', '--', 'sleep', '100000');
    // As `kubectl create deployment web --replicas=3 --port=8080`, with a short grace period:
    // httpd as PID 1 ignores SIGTERM, and the proxy keeps serving terminating pods while no
    // other endpoint is ready (as kube-proxy does), so scale-downs would otherwise take 30 s.
    const web = { name: 'web', image: `${registry.host}/k8ts/web:1`, ports: [{ containerPort: 8080 }] };
    const template = { metadata: { labels: { app: 'web' } }, spec: { terminationGracePeriodSeconds: 2, containers: [web] } };
    await k.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template } }) });
    await kc('expose', 'deployment', 'web', '--port=80', '--target-port=8080');
    await kc('wait', '--for=condition=Ready', 'pod/client', '--timeout=90s');
    await kc('wait', '--for=condition=Ready', '-n', 'team-a', 'pod/client', '--timeout=90s');
    await waitFor('3 running web pods', async () => (await podsOf('web')).length === 3, 90_000);
  });

  after(() =>
    runCleanup([
      stopAgent2,
      () => n?.server?.stop(),
      () => agent2Dir && resetNode({ dataDir: agent2Dir, removeData: true }),
      () => hostRoute && execFileSync('ip', ['route', 'del', ...hostRoute]),
      () => n?.stop(),
      () => upstream?.close(),
      () => claim2?.release(),
      () => work && rmSync(work, { recursive: true, force: true }),
    ]),
  );

  it('pods get addresses from the node podCIDR on bridge k8ts0; a hostNetwork pod gets the host IP', async () => {
    const podCIDR = (await kc('get', 'node', nodeName, '-o', 'jsonpath={.spec.podCIDR}')).trim();
    const prefix = podCIDR.split('.').slice(0, 3).join('.') + '.';
    const pods = await podsOf('web');
    for (const p of pods) {
      assert.ok(p.status.podIP.startsWith(prefix), `${p.metadata.name} ${p.status.podIP} in ${podCIDR}`);
      assert.deepEqual(p.status.podIPs, [{ ip: p.status.podIP }]);
    }
    assert.equal(new Set(pods.map((p) => p.status.podIP)).size, 3);
    const bridge = JSON.parse((await node.run('ip', ['-j', 'addr', 'show', 'dev', 'k8ts0'])).stdout)[0];
    assert.equal(bridge.addr_info.find((a: any) => a.family === 'inet').local, `${prefix}1`);
    const wide = await kc('get', 'pods', '-l', 'app=web', '-o', 'wide', '--no-headers');
    for (const p of pods) assert.match(wide, new RegExp(`^${p.metadata.name}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${p.status.podIP.replace(/\./g, '\\.')}\\s+${nodeName}\\s`, 'm'));
    // A pod reaches another pod directly on its address.
    const other = pods[0];
    assert.equal((await wgetFrom('client', `http://${other.status.podIP}:8080/`)).body, other.metadata.name);

    await k.ok(['apply', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hostnet' }, spec: { hostNetwork: true, containers: [{ name: 'c', image, command: ['sleep', '100000'] }] } }),
    });
    const hostnet = await waitFor('the hostNetwork pod running', async () => {
      const p = JSON.parse(await kc('get', 'pod', 'hostnet', '-o', 'json'));
      return p.status?.phase === 'Running' ? p : undefined;
    });
    assert.equal(hostnet.status.podIP, hostnet.status.hostIP);
    assert.equal(hostnet.status.podIP, '127.0.0.1');
    await kc('delete', 'pod', 'hostnet', '--wait=false');
  });

  it('a ClusterIP Service answers by name, name.namespace and FQDN, spread over the 3 pods', async () => {
    const names = (await podsOf('web')).map((p) => p.metadata.name).sort();
    for (const url of ['http://web/', 'http://web.default/', 'http://web.default.svc.cluster.local/']) {
      const r = await waitFor(`${url} to answer`, async () => {
        const x = await wgetFrom('client', url);
        return x.ok ? x : undefined;
      });
      assert.ok(names.includes(r.body), `${url} answered ${r.body}`);
    }
    const seen = new Set<string>();
    await waitFor('answers from all 3 pods', async () => {
      const r = await wgetFrom('client', 'http://web/');
      if (r.ok) seen.add(r.body);
      return seen.size === 3;
    });
    assert.deepEqual([...seen].sort(), names);
  });

  it('cluster DNS from a pod: kubernetes.default, services, headless pods, an outside name', async () => {
    const resolv = await kc('exec', 'client', '--', 'cat', '/etc/resolv.conf');
    assert.match(resolv, /^nameserver 10\.43\.0\.10$/m);
    assert.match(resolv, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/m);
    assert.deepEqual(await nslookup('client', 'kubernetes.default.svc.cluster.local'), ['10.43.0.1']);
    const vip = await vipOf('web');
    assert.deepEqual(await nslookup('client', 'web.default.svc.cluster.local'), [vip]);
    await kc('expose', 'deployment', 'web', '--name=web-headless', '--cluster-ip=None', '--port=8080');
    const podIPs = (await podsOf('web')).map((p) => p.status.podIP).sort();
    await waitFor('the headless Service to list the 3 pods', async () => JSON.stringify(await nslookup('client', 'web-headless.default.svc.cluster.local')) === JSON.stringify(podIPs));
    assert.deepEqual(await nslookup('client', outsideName), [outsideIP]);
    assert.ok(upstream.seen.some((q) => q.startsWith(`${outsideName} A`)), upstream.seen.join(', '));
    // The search path, through the C library's resolver: short and namespaced names.
    assert.equal((await wgetFrom('client', 'http://web-headless.default:8080/')).ok, true);
    assert.equal((await wgetFrom('client', 'http://web.default.svc/', 'team-a')).ok, true);
  });

  it('scaling to 0 makes the VIP refuse; scaling back makes it answer', async () => {
    await kc('scale', 'deployment', 'web', '--replicas=0');
    const refused = await waitFor('the VIP to refuse', async () => {
      const r = await wgetFrom('client', 'http://web/');
      return !r.ok && /refused/i.test(r.error) ? r : undefined;
    });
    assert.match(refused.error, /Connection refused/);
    await kc('scale', 'deployment', 'web', '--replicas=3');
    await waitFor('the VIP to answer again', async () => (await wgetFrom('client', 'http://web/')).ok, 90_000);
    await waitFor('3 running web pods', async () => (await podsOf('web')).length === 3, 90_000);
  });

  it('kubectl expose --type=NodePort answers on 127.0.0.1 of the node', async () => {
    await kc('expose', 'deployment', 'web', '--type=NodePort', '--port=80', '--target-port=8080', '--name=web-np');
    const port = (await kc('get', 'svc', 'web-np', '-o', 'jsonpath={.spec.ports[0].nodePort}')).trim();
    const r = await waitFor('the NodePort', async () => {
      const x = await curlOnNode([`http://127.0.0.1:${port}/`]);
      return x.ok ? x : undefined;
    });
    assert.match(r.body, /^web-/);
  });

  it('type LoadBalancer shows an EXTERNAL-IP that answers', async () => {
    await kc('expose', 'deployment', 'web', '--type=LoadBalancer', '--port=8081', '--target-port=8080', '--name=web-lb');
    const externalIP = await waitFor('an EXTERNAL-IP', async () => {
      const ip = (await kc('get', 'svc', 'web-lb', '--no-headers')).trim().split(/\s+/)[3] ?? '';
      return /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip : undefined;
    });
    assert.equal(externalIP, '127.0.0.1');
    const r = await waitFor('the LoadBalancer address', async () => {
      const x = await curlOnNode([`http://${externalIP}:8081/`]);
      return x.ok ? x : undefined;
    });
    assert.match(r.body, /^web-/);
  });

  it('an Ingress routes by path and host to pods, 404s unknown hosts, and serves TLS from a Secret', async () => {
    await kc('create', 'deployment', 'api', `--image=${registry.host}/k8ts/web:1`, '--replicas=1', '--port=8080');
    await kc('expose', 'deployment', 'api', '--port=80', '--target-port=8080');
    await kc('create', 'ingress', 'site', '--rule=my.domain/demo*=api:80', '--rule=my.domain/*=web:80');
    const get = (path: string, host = 'my.domain') => curlOnHost(['-H', `Host: ${host}`, `http://127.0.0.1:${httpPort}${path}`]);
    const demo = await waitFor('/demo through the Ingress', async () => {
      const r = await get('/demo/');
      return r.ok && r.body.startsWith('api-') ? r : undefined;
    });
    assert.match(demo.body, /^api-/);
    assert.match((await get('/')).body, /^web-/);
    const unknown = await curlOnHost(['-o', '/dev/null', '-w', '%{http_code}', '-H', 'Host: other.domain', `http://127.0.0.1:${httpPort}/`]);
    assert.equal(unknown.body, '404');
    // TLS for a host of its own: its plain HTTP redirects to HTTPS, as ingress-nginx does.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=secure.domain', '-addext', 'subjectAltName=DNS:secure.domain', '-keyout', join(work, 'tls.key'), '-out', join(work, 'tls.crt')], { stdio: 'ignore' });
    await kc('create', 'secret', 'tls', 'secure-tls', `--cert=${join(work, 'tls.crt')}`, `--key=${join(work, 'tls.key')}`);
    await kc('create', 'ingress', 'secure', '--rule=secure.domain/*=api:80,tls=secure-tls');
    const tls = await waitFor('TLS with the Secret', async () => {
      const r = await curlOnHost(['--cacert', join(work, 'tls.crt'), '--resolve', `secure.domain:${httpsPort}:127.0.0.1`, `https://secure.domain:${httpsPort}/`]);
      return r.ok ? r : undefined;
    });
    assert.match(tls.body, /^api-/);
    const redirect = await curlOnHost(['-o', '/dev/null', '-w', '%{http_code}', '-H', 'Host: secure.domain', `http://127.0.0.1:${httpPort}/`]);
    assert.equal(redirect.body, '308');
  });

  it('a NetworkPolicy denying ingress blocks a client pod; allowing its namespace label unblocks it', async () => {
    const policy = (spec: Record<string, unknown>) => JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: 'default' }, spec });
    assert.equal((await wgetFrom('client', 'http://web.default/', 'team-a')).ok, true);
    await k.ok(['apply', '-f', '-'], { input: policy({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] }) });
    await waitFor('the team-a client to be blocked', async () => !(await wgetFrom('client', 'http://web.default/', 'team-a')).ok);
    await k.ok(['apply', '-f', '-'], { input: policy({ podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }] }] }) });
    await waitFor('the team-a client to be let in', async () => (await wgetFrom('client', 'http://web.default/', 'team-a')).ok);
    // The default namespace carries no team=a label: its client stays out.
    assert.equal((await wgetFrom('client', 'http://web/')).ok, false);
    await kc('delete', 'networkpolicy', 'web');
  });

  it('a rolling update with readiness probes: a client looping on the Service sees no failed request', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'roll' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'roll' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels: { app: 'roll' } },
          spec: {
            // Old pods (httpd ignores SIGTERM) keep serving for their grace period after leaving the endpoints.
            terminationGracePeriodSeconds: 3,
            containers: [{ name: 'web', image: `${registry.host}/k8ts/web:1`, ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 } }],
          },
        },
      },
    };
    await k.ok(['apply', '-f', '-'], { input: JSON.stringify(deployment) });
    await kc('expose', 'deployment', 'roll', '--port=80', '--target-port=8080');
    await kc('rollout', 'status', 'deployment/roll', '--timeout=120s');
    await waitFor('the roll Service to answer', async () => (await wgetFrom('client', 'http://roll/')).ok);
    // The client loops in the background until /tmp/stop appears, one line per request.
    const loop = 'rm -f /tmp/stop /tmp/roll.log; (while [ ! -f /tmp/stop ]; do if wget -q -O - http://roll/; then echo; else echo FAIL; fi; done; echo DONE) > /tmp/roll.log 2>&1 &';
    await kc('exec', 'client', '--', 'sh', '-c', loop);
    const oldPods = (await podsOf('roll')).map((p) => p.metadata.name);
    await kc('set', 'image', 'deployment/roll', `web=${registry.host}/k8ts/web:2`);
    await kc('rollout', 'status', 'deployment/roll', '--timeout=180s');
    const newPods = (await podsOf('roll')).map((p) => p.metadata.name);
    // Requests after the rollout reach the new pods (version 2 answers `v2 <pod name>`).
    await waitFor('answers from a new pod', async () => newPods.includes((await wgetFrom('client', 'http://roll/')).body.replace(/^v2 /, '')));
    await kc('exec', 'client', '--', 'touch', '/tmp/stop');
    const log = await waitFor('the client loop to end', async () => {
      const text = await kc('exec', 'client', '--', 'cat', '/tmp/roll.log');
      return text.endsWith('DONE\n') ? text : undefined;
    });
    const lines = log.split('\n').filter((l) => l && l !== 'DONE');
    const failed = lines.filter((l) => !/^(v2 )?roll-/.test(l));
    assert.deepEqual(failed, [], `${failed.length} of ${lines.length} requests failed`);
    assert.ok(lines.some((l) => oldPods.includes(l)), 'requests reached the old pods');
    assert.ok(lines.some((l) => newPods.includes(l.replace(/^v2 /, ''))), 'requests reached the new pods');
  });

  it('a restarted agent re-adopts running pods with their addresses', async () => {
    const before = new Map((await podsOf('web')).map((p) => [p.metadata.name, p.status.podIP]));
    await server.kill9();
    await n!.restart();
    ({ server, k } = n!);
    await waitFor('the node Ready again', async () => /\bReady\b/.test(await kc('get', 'node', nodeName, '--no-headers')));
    const after = new Map((await podsOf('web')).map((p) => [p.metadata.name, p.status.podIP]));
    assert.deepEqual(after, before);
    await waitFor('the Service to answer after the restart', async () => (await wgetFrom('client', 'http://web/')).ok);
  });

  it('a pod on a second node (k8ts agent --token) gets an address from its own podCIDR and resolves through the cluster DNS', async () => {
    agent2Dir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-netpods-node2-'));
    claim2 = claimTestResources({ dir: agent2Dir, root: `${runtimeRoot}-b`, cgroupRoot: `${cgroupRoot}-b`, podsDir: join(agent2Dir, 'agent', 'pods') }, `e2e-net-${tag}-b`);
    const node2 = `${nodeName}-b`;
    const token = readFileSync(join(dataDir, 'token'), 'utf8').trim();
    const args = ['agent', '--server', server.url, '--token', token, '--data-dir', agent2Dir, '--node-name', node2, '--node-ip', '127.0.0.1', '--kubelet-port', '0'];
    args.push('--node-netns', (await nodeNetnsFor(agent2Dir)).name, '--cgroup-root', `${cgroupRoot}-b`, '--runtime-root', `${runtimeRoot}-b`, '--cluster-cidr', clusterCIDR);
    agent2 = spawn(process.execPath, [join(repoRoot, 'bin', 'k8ts'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    claim2.addProcess(agent2.pid!, 'k8ts');
    agent2.stderr!.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-4000)));
    const podCIDR = await waitFor(`${node2}'s podCIDR`, async () => {
      if (agent2!.exitCode !== null) throw new Error(`agent exited: ${log}`);
      return (await kc('get', 'node', node2, '-o', 'jsonpath={.spec.podCIDR}')).trim();
    });
    const vip = await vipOf('web');
    await k.ok(['apply', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'remote' }, spec: { nodeName: node2, restartPolicy: 'Never', containers: [{ name: 'c', image, command: ['sh', '-c', 'until nslookup web.default.svc.cluster.local; do sleep 0.5; done; sleep 100000'] }] } }),
    });
    const remote = await waitFor('the remote pod running', async () => {
      const p = JSON.parse(await kc('get', 'pod', 'remote', '-o', 'json'));
      return p.status?.phase === 'Running' ? p : undefined;
    });
    assert.equal(remote.status.podIP.split('.').slice(0, 3).join('.'), podCIDR.split('.').slice(0, 3).join('.'));
    const answer = await waitFor('the remote pod to resolve the web Service', async () => {
      const text = (await k.run(['logs', 'remote'])).stdout;
      return /^Name:\s*web\.default\.svc\.cluster\.local$/m.test(text) ? text : undefined;
    });
    assert.match(answer, new RegExp(`^Address:\\s*${vip.replace(/\./g, '\\.')}$`, 'm'));
    await kc('delete', 'pod', 'remote', '--grace-period=1');
  });

  it('k8ts reset removes the pod network: bridge, nft tables, routes and CNI state', async () => {
    await stopAgent2();
    await server.stop();
    const report = await resetNode({ dataDir, removeData: false });
    assert.equal(report.network, true);
    assert.equal((await node.run('ip', ['link', 'show', 'dev', 'k8ts0'], { allowFailure: true })).code, 1);
    assert.doesNotMatch((await node.run('nft', ['list', 'tables'])).stdout, /k8ts/);
    assert.equal((await node.run('ip', ['route', 'show', 'proto', String(k8tsRouteProtocol)], { allowFailure: true })).stdout.trim(), '');
  });
});
