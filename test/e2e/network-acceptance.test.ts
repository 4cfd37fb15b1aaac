// Issue 7 acceptance with real kubectl and curl: a Deployment behind a ClusterIP Service,
// NodePort and LoadBalancer exposure, NetworkPolicy by namespace label. The server's own
// controllers (scheduler, deployment, replicaset, endpointslice, nodeipam, servicelb) do
// their part; the node's networking (CNI, nftables proxy, policy) is k8ts's real one, on a
// node whose host is a network namespace; pods are stand-ins (netns + busybox httpd).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RestClient, restConfigFromKubeconfig } from '../../src/client/rest-client.js';
import { HostCommands } from '../../src/network/host/host-commands.js';
import { type NodeNetworking, startNodeNetworking } from '../../src/network/node-networking.js';
import { NetnsFixture, networkTestsSupported } from '../../src/network/testing/netns-fixture.js';
import { NetnsKubelet } from '../../src/network/testing/netns-kubelet.js';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl } from '../support/kubectl.js';

const skip = await networkTestsSupported();

describe('networking acceptance (kubectl, curl, a node whose host is a network namespace)', { skip, timeout: 240_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  let kubectl: Kubectl;
  let fx: NetnsFixture;
  let kubelet: NetnsKubelet;
  let networking: NodeNetworking | undefined;
  let node: string;
  let outside: string;
  let clientNetns: string;

  const k = (...args: string[]) => kubectl.ok(args);
  const vipOf = async (svc: string) => (await k('get', 'svc', svc, '-o', 'jsonpath={.spec.clusterIP}')).trim();
  const webPods = () => [...kubelet.runningPods().keys()].filter((p) => p.startsWith('default/web-'));

  before(async () => {
    server = await startK8ts();
    client = new RestClient(restConfigFromKubeconfig(server.kubeconfig));
    kubectl = new Kubectl('1.33', server.kubeconfig);
    fx = await NetnsFixture.create('accept');
    node = await fx.netns('node');
    outside = await fx.netns('out');
    await fx.link(node, '192.168.70.1/24', outside, '192.168.70.2/24');
    await new HostCommands(node).run('ip', ['route', 'add', 'default', 'via', '192.168.70.2']);
    // The node registers; nodeipam gives it a podCIDR; then its networking starts.
    const start = startNodeNetworking({ nodeName: 'node', client, dataDir: join(fx.dir, 'agent'), host: new HostCommands(node), podCIDRTimeoutMs: 20_000 });
    const podNetwork = { setUp: async (r: never) => (await start).podNetwork.setUp(r), tearDown: async (r: never) => (await start).podNetwork.tearDown(r) };
    kubelet = new NetnsKubelet(client, fx, podNetwork, 'node', '192.168.70.1');
    await kubelet.start();
    networking = await start;
    await k('create', 'namespace', 'team-a');
    await k('label', 'namespace', 'team-a', 'team=a');
    await k('run', 'client', '-n', 'team-a', '--image=busybox', '--restart=Never', '--', 'sleep', '3600');
    await fx.waitFor(() => !!(clientNetns = kubelet.netnsOf('team-a', 'client') ?? ''), 30_000, 'the client pod');
  });

  after(async () => {
    await kubelet?.stop();
    await networking?.stop();
    client?.close();
    await fx?.cleanup();
    await server?.cleanup();
  });

  it('a ClusterIP Service spreads over the 3 pods of a Deployment', async () => {
    await k('create', 'deployment', 'web', '--image=busybox', '--replicas=3', '--port=8080');
    await k('expose', 'deployment', 'web', '--port=80', '--target-port=8080');
    await fx.waitFor(() => webPods().length === 3, 60_000, '3 running web pods');
    const vip = await vipOf('web');
    const seen = new Set<string>();
    await fx.waitFor(async () => {
      const r = await fx.curl(clientNetns, `http://${vip}/`);
      if (r.ok) seen.add(r.body);
      return seen.size === 3;
    }, 60_000, 'answers from all 3 pods');
    assert.deepEqual([...seen].sort(), webPods().map((p) => p.slice('default/'.length)).sort());
  });

  it('routes the kubernetes Service (10.43.0.1) to the API server', async () => {
    const port = new URL(server.url).port;
    assert.equal((await k('get', 'endpointslice', 'kubernetes', '-o', 'jsonpath={.ports[0].port}')).trim(), port);
    assert.equal(await vipOf('kubernetes'), '10.43.0.1');
    await networking!.proxy!.waitForSync();
    const table = (await new HostCommands(node).run('nft', ['list', 'map', 'ip', 'k8ts-proxy', 'service-ips'])).stdout;
    assert.match(table, /10\.43\.0\.1 \. tcp \. 443 : goto svc-\w+-default\/kubernetes\/tcp\/https/);
  });

  it('refuses at 0 ready pods and answers again when scaled back', async () => {
    const vip = await vipOf('web');
    await k('scale', 'deployment', 'web', '--replicas=0');
    await fx.waitFor(async () => (await fx.connect(clientNetns, vip, 80)) === 'ECONNREFUSED', 60_000, 'the VIP to refuse');
    const r = await fx.curl(clientNetns, `http://${vip}/`);
    assert.equal(r.exit, 7, r.error);
    await k('scale', 'deployment', 'web', '--replicas=3');
    await fx.waitFor(async () => (await fx.curl(clientNetns, `http://${vip}/`)).ok, 60_000, 'the VIP to answer again');
  });

  it('kubectl expose --type=NodePort answers on 127.0.0.1 of the node', async () => {
    await k('expose', 'deployment', 'web', '--type=NodePort', '--port=80', '--target-port=8080', '--name=web-np');
    const port = (await k('get', 'svc', 'web-np', '-o', 'jsonpath={.spec.ports[0].nodePort}')).trim();
    await fx.waitFor(async () => (await fx.curl(node, `http://127.0.0.1:${port}/`)).ok, 30_000, 'the NodePort');
    assert.match((await fx.curl(node, `http://127.0.0.1:${port}/`)).body, /^web-/);
  });

  it('type LoadBalancer shows an EXTERNAL-IP that answers', async () => {
    await k('expose', 'deployment', 'web', '--type=LoadBalancer', '--port=8081', '--target-port=8080', '--name=web-lb');
    let externalIP = '';
    await fx.waitFor(async () => {
      externalIP = (await k('get', 'svc', 'web-lb', '--no-headers')).trim().split(/\s+/)[3] ?? '';
      return /^\d+\.\d+\.\d+\.\d+$/.test(externalIP);
    }, 30_000, 'an EXTERNAL-IP');
    assert.equal(externalIP, '192.168.70.1');
    await fx.waitFor(async () => (await fx.curl(outside, `http://${externalIP}:8081/`)).ok, 30_000, 'the LoadBalancer address');
    assert.match((await fx.curl(outside, `http://${externalIP}:8081/`)).body, /^web-/);
  });

  it('a NetworkPolicy denying ingress blocks the client; allowing its namespace label unblocks it', async () => {
    const vip = await vipOf('web');
    const policy = (spec: Record<string, unknown>) => JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: 'default' }, spec });
    await kubectl.ok(['apply', '-f', '-'], { input: policy({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] }) });
    await fx.waitFor(async () => (await fx.connect(clientNetns, vip, 80, 700)) === 'ETIMEDOUT', 30_000, 'the client to be blocked');
    await kubectl.ok(['apply', '-f', '-'], { input: policy({ podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }] }] }) });
    await fx.waitFor(async () => (await fx.curl(clientNetns, `http://${vip}/`)).ok, 30_000, 'the client to be let in');
  });
});
