import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RestClient, restConfigFromKubeconfig } from '../../client/rest-client.js';
import { startK8ts, type TestServer } from '../../../test/support/k8ts-server.js';
import { Kubectl } from '../../../test/support/kubectl.js';
import { CniPodNetwork } from '../cni/cni-pod-network.js';
import { HostCommands } from '../host/host-commands.js';
import { NetnsFixture, networkTestsSupported } from '../testing/netns-fixture.js';
import { NetworkPolicyController } from './network-policy-controller.js';

const skip = await networkTestsSupported();

function policy(name: string, namespace: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
}

describe('NetworkPolicy enforcement (real server and kubectl, pods as network namespaces)', { skip, timeout: 180_000 }, () => {
  let server: TestServer;
  let kubectl: Kubectl;
  let client: RestClient;
  let fx: NetnsFixture;
  let policies: NetworkPolicyController;
  let node: string;
  const ip: Record<string, string> = {};
  const pods = [
    { name: 'web', namespace: 'prod', labels: { app: 'web' } },
    { name: 'client-a', namespace: 'team-a', labels: { app: 'client' } },
    { name: 'client-b', namespace: 'team-b', labels: { app: 'client' } },
  ];

  const apply = (...docs: string[]) => kubectl.ok(['apply', '-f', '-'], { input: docs.join('\n---\n') });
  const netnsOf = (pod: string) => fx.name(pod);
  /** Waits until a connection from `pod` to `target:port` has the wanted outcome. */
  const expect = async (pod: string, target: string, port: number, want: 'connected' | 'blocked') => {
    await fx.waitFor(async () => {
      const r = await fx.connect(netnsOf(pod), ip[target]!, port, 700);
      return want === 'connected' ? r === 'connected' : r === 'ETIMEDOUT';
    }, 15_000, `${pod} → ${target}:${port} ${want}`);
  };

  before(async () => {
    server = await startK8ts();
    kubectl = new Kubectl('1.33', server.kubeconfig);
    client = new RestClient(restConfigFromKubeconfig(server.kubeconfig));
    fx = await NetnsFixture.create('policy');
    node = await fx.netns('node');
    const host = new HostCommands(node);
    const net = new CniPodNetwork({ podCIDR: '10.42.0.0/24', clusterCIDR: '10.42.0.0/16', stateDir: join(fx.dir, 'cni'), host });
    await net.init();
    await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node' } });
    await apply(
      ...['prod', 'team-a', 'team-b'].map((ns) => JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: ns.replace('team-', '') } } })),
    );
    for (const p of pods) {
      const ns = await fx.netns(p.name);
      ip[p.name] = (await net.setUp({ podUID: `uid-${p.name}`, namespace: p.namespace, name: p.name, netnsPath: `/var/run/netns/${ns}` })).ips[0]!;
      await fx.httpd(ns, 8080, p.name);
      await fx.httpd(ns, 9090, p.name);
      // The Pod object an agent would report: bound to the node, running, with its address.
      await apply(JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: p.name, namespace: p.namespace, labels: p.labels },
        spec: { nodeName: 'node', containers: [{ name: 'c', image: 'busybox', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }] },
      }));
      await client.patch(`/api/v1/namespaces/${p.namespace}/pods/${p.name}/status`, { status: { phase: 'Running', podIP: ip[p.name], podIPs: [{ ip: ip[p.name] }] } });
    }
    policies = new NetworkPolicyController({ nodeName: 'node', client, host });
    await policies.start();
  });

  after(async () => {
    await policies?.stop();
    client?.close();
    await fx?.cleanup();
    await server?.cleanup();
  });

  it('allows everything while no policy selects a pod', async () => {
    await expect('client-a', 'web', 8080, 'connected');
    await expect('client-b', 'web', 8080, 'connected');
  });

  it('blocks all ingress with a deny-all policy, but not the node itself', async () => {
    await apply(policy('deny-all', 'prod', { podSelector: {}, policyTypes: ['Ingress'] }));
    await expect('client-a', 'web', 8080, 'blocked');
    await expect('client-b', 'web', 8080, 'blocked');
    assert.equal((await fx.curl(node, `http://${ip.web}:8080/`)).body, 'web');
    await expect('web', 'client-a', 8080, 'connected');
  });

  it('lets a namespace in by its label, on the listed port only', async () => {
    await apply(policy('from-team-a', 'prod', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }], ports: [{ port: 'http' }] }] }));
    await expect('client-a', 'web', 8080, 'connected');
    await expect('client-b', 'web', 8080, 'blocked');
    await expect('client-a', 'web', 9090, 'blocked');
  });

  it('opens port ranges with endPort', async () => {
    await apply(policy('metrics-range', 'prod', { podSelector: {}, ingress: [{ ports: [{ protocol: 'TCP', port: 9000, endPort: 9100 }] }] }));
    await expect('client-b', 'web', 9090, 'connected');
    await expect('client-b', 'web', 8080, 'blocked');
    await kubectl.ok(['delete', 'networkpolicy', 'metrics-range', '-n', 'prod']);
  });

  it('matches ipBlock with except', async () => {
    await apply(policy('cidr', 'prod', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.42.0.0/16', except: [`${ip['client-a']}/32`] } }] }] }));
    await expect('client-b', 'web', 9090, 'connected');
    await expect('client-a', 'web', 9090, 'blocked');
    await expect('client-a', 'web', 8080, 'connected');
    await kubectl.ok(['delete', 'networkpolicy', 'cidr', '-n', 'prod']);
  });

  it('restricts egress to the pods a policy names', async () => {
    await apply(policy('egress-web-only', 'team-a', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }],
    }));
    await expect('client-a', 'client-b', 8080, 'blocked');
    await expect('client-a', 'web', 8080, 'connected');
    await expect('client-b', 'client-a', 8080, 'connected');
  });

  it('opens up again when the policies are deleted', async () => {
    await kubectl.ok(['delete', 'networkpolicy', '--all', '-n', 'prod']);
    await kubectl.ok(['delete', 'networkpolicy', '--all', '-n', 'team-a']);
    await expect('client-b', 'web', 8080, 'connected');
    await expect('client-a', 'client-b', 8080, 'connected');
    const table = (await new HostCommands(node).run('nft', ['list', 'table', 'ip', 'k8ts-policy'])).stdout;
    assert.doesNotMatch(table, /chain (in|out)-/);
  });
});
