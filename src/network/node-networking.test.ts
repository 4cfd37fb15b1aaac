import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RestClient, restConfigFromKubeconfig } from '../client/rest-client.js';
import { startK8ts, type TestServer } from '../../test/support/k8ts-server.js';
import { Kubectl } from '../../test/support/kubectl.js';
import { HostCommands } from './host/host-commands.js';
import { type NodeNetworking, resetNodeNetworking, startNodeNetworking } from './node-networking.js';
import { NetnsFixture, networkTestsSupported } from './testing/netns-fixture.js';

const skip = await networkTestsSupported();

describe('two nodes whose hosts are network namespaces (nodeipam, host-gw, service proxy, policy)', { skip, timeout: 180_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  let kubectl: Kubectl;
  let fx: NetnsFixture;
  const nodes: NodeNetworking[] = [];
  const podIP: Record<string, string> = {};

  const apply = (obj: unknown) => kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify(obj) });
  const slice = (service: string, eps: { ip: string; node: string }[]) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-x`, namespace: 'default', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: eps.map((e) => ({ addresses: [e.ip], conditions: { ready: true }, nodeName: e.node })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  });

  before(async () => {
    server = await startK8ts();
    client = new RestClient(restConfigFromKubeconfig(server.kubeconfig));
    kubectl = new Kubectl('1.33', server.kubeconfig);
    fx = await NetnsFixture.create('nodes');
    const hosts = [await fx.netns('n1'), await fx.netns('n2')];
    await fx.link(hosts[0]!, '192.168.60.1/24', hosts[1]!, '192.168.60.2/24');
    for (const [i, h] of hosts.entries()) {
      const name = `n${i + 1}`;
      const host = new HostCommands(h);
      await host.run('ip', ['route', 'add', 'default', 'via', `192.168.60.${2 - i}`]);
      // What the agent's registration does.
      await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name } });
      await client.patch(`/api/v1/nodes/${name}/status`, { status: { addresses: [{ type: 'InternalIP', address: `192.168.60.${i + 1}` }], conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }] } });
      const nn = await startNodeNetworking({ nodeName: name, client, dataDir: join(fx.dir, name), host, podCIDRTimeoutMs: 10_000 });
      nodes.push(nn);
      const pod = await fx.netns(`pod-${name}`);
      podIP[name] = (await nn.podNetwork.setUp({ podUID: `uid-${name}`, namespace: 'default', name: `pod-${name}`, netnsPath: `/var/run/netns/${pod}` })).ips[0]!;
      await fx.httpd(pod, 8080, `pod-${name}`);
    }
  });

  after(async () => {
    for (const n of nodes) await n.stop();
    client?.close();
    await fx?.cleanup();
    await server?.cleanup();
  });

  it('gives each node its own podCIDR from --cluster-cidr', () => {
    assert.notEqual(nodes[0]!.podCIDR, nodes[1]!.podCIDR);
    for (const n of nodes) assert.match(n.podCIDR, /^10\.42\.\d+\.0\/24$/);
  });

  it('sizes pod interfaces to the node link MTU', async () => {
    const link = await new HostCommands(fx.name('pod-n1')).run('ip', ['-j', 'link', 'show', 'dev', 'eth0']);
    assert.equal((JSON.parse(link.stdout) as { mtu: number }[])[0]!.mtu, 1450);
  });

  it('routes pod to pod across nodes', async () => {
    await fx.waitFor(async () => (await fx.curl(fx.name('pod-n1'), `http://${podIP.n2}:8080/`)).body === 'pod-n2', 10_000, 'cross-node pod traffic');
  });

  it('balances a Service over endpoints on both nodes, from either node', async () => {
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'both', namespace: 'default' }, spec: { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    await apply(slice('both', [{ ip: podIP.n1!, node: 'n1' }, { ip: podIP.n2!, node: 'n2' }]));
    const vip = (await kubectl.ok(['get', 'svc', 'both', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const nodePort = (await kubectl.ok(['get', 'svc', 'both', '-o', 'jsonpath={.spec.ports[0].nodePort}'])).trim();
    for (const from of ['pod-n1', 'pod-n2']) {
      const seen = new Set<string>();
      await fx.waitFor(async () => {
        seen.add((await fx.curl(fx.name(from), `http://${vip}/`)).body);
        return seen.has('pod-n1') && seen.has('pod-n2');
      }, 15_000, `${from} to reach both endpoints`);
    }
    // A NodePort on one node reaches pods on the other.
    const seen = new Set<string>();
    await fx.waitFor(async () => {
      seen.add((await fx.curl(fx.name('n1'), `http://192.168.60.2:${nodePort}/`)).body);
      return seen.has('pod-n1') && seen.has('pod-n2');
    }, 15_000, 'NodePort of n2 to reach both pods');
  });

  it('grants nodes what their networking reads (RBAC)', async () => {
    for (const [group, resource] of [['discovery.k8s.io', 'endpointslices'], ['networking.k8s.io', 'networkpolicies'], ['', 'namespaces']] as const) {
      const review = await client.create<{ status: { allowed: boolean } }>('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'], resourceAttributes: { verb: 'watch', group, resource } },
      });
      assert.equal(review.status.allowed, true, `${resource}`);
    }
  });

  it('leaves nothing behind after a reset', async () => {
    await nodes[1]!.stop();
    await new HostCommands().run('ip', ['netns', 'del', fx.name('pod-n2')]);
    const host = new HostCommands(fx.name('n2'));
    await resetNodeNetworking(host, join(fx.dir, 'n2'));
    assert.doesNotMatch((await host.run('nft', ['list', 'tables'])).stdout, /k8ts/);
    assert.doesNotMatch((await host.run('ip', ['-o', 'link'])).stdout, /k8ts0/);
    assert.equal((await host.run('ip', ['route', 'show', 'proto', '107'])).stdout.trim(), '');
    nodes.splice(1, 1);
  });
});
