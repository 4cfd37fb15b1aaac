// Node networking from outside the node, with real kubectl and curl: a LoadBalancer Service
// answering a client on another machine (a network namespace linked to the node), and the
// kubernetes Service routed to the API server. The node's networking (CNI, nftables proxy)
// is k8ts's real one, on a node whose host is a network namespace; pods are stand-ins
// (netns + busybox httpd). Everything else of issue 7 is proven on real pods in
// network-pods.test.ts.
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
  });

  after(async () => {
    await kubelet?.stop();
    await networking?.stop();
    client?.close();
    await fx?.cleanup();
    await server?.cleanup();
  });

  it('routes the kubernetes Service (10.43.0.1) to the API server', async () => {
    const port = new URL(server.url).port;
    assert.equal((await k('get', 'endpointslice', 'kubernetes', '-o', 'jsonpath={.ports[0].port}')).trim(), port);
    assert.equal(await vipOf('kubernetes'), '10.43.0.1');
    await networking!.proxy!.waitForSync();
    const table = (await new HostCommands(node).run('nft', ['list', 'table', 'ip', 'k8ts-proxy'])).stdout;
    assert.match(table, /10\.43\.0\.1 \. tcp \. 443 : goto \S+/);
    assert.match(table, new RegExp(`10\\.43\\.0\\.1 \\. tcp \\. 443 \\. 0 : [\\d.]+ \\. ${port}\\b`));
  });

  it('type LoadBalancer shows an EXTERNAL-IP that answers another machine', async () => {
    await k('create', 'deployment', 'web', '--image=busybox', '--replicas=3', '--port=8080');
    await fx.waitFor(() => webPods().length === 3, 60_000, '3 running web pods');
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
});
