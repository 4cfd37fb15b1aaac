import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RestClient, restConfigFromKubeconfig } from '../../client/rest-client.js';
import { startK8ts, type TestServer } from '../../../test/support/k8ts-server.js';
import { Kubectl } from '../../../test/support/kubectl.js';
import { CniPodNetwork } from '../cni/cni-pod-network.js';
import { HostCommands } from '../host/host-commands.js';
import { NetnsFixture, networkTestsSupported } from '../testing/netns-fixture.js';
import { ServiceProxy } from './service-proxy.js';

const skip = await networkTestsSupported();

interface Ep {
  ip: string;
  node?: string;
  ready?: boolean;
}

/** An EndpointSlice as the EndpointSlice controller would write it. */
function sliceYaml(service: string, endpoints: Ep[], ports: { name?: string; port: number; protocol?: string }[]): string {
  return JSON.stringify({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-abc`, namespace: 'default', labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'k8ts-test' } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true }, nodeName: e.node ?? 'node' })),
    ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
  });
}

function serviceYaml(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec });
}

describe('ServiceProxy on a node (real server and kubectl, nftables, pods as network namespaces)', { skip, timeout: 180_000 }, () => {
  let server: TestServer;
  let kubectl: Kubectl;
  let client: RestClient;
  let fx: NetnsFixture;
  let proxy: ServiceProxy;
  let node: string;
  let outside: string;
  const ip: Record<string, string> = {};
  const http = { name: 'http', port: 8080 };

  const apply = (...docs: string[]) => kubectl.ok(['apply', '-f', '-'], { input: docs.join('\n---\n') });
  const clusterIP = async (svc: string) => (await kubectl.ok(['get', 'svc', svc, '-o', 'jsonpath={.spec.clusterIP}'])).trim();
  const nodePort = async (svc: string) => Number(await kubectl.ok(['get', 'svc', svc, '-o', 'jsonpath={.spec.ports[0].nodePort}']));
  const from = (pod: string) => fx.name(pod);
  const answers = async (netns: string, url: string) => fx.waitFor(async () => (await fx.curl(netns, url)).ok, 15_000, `${url} to answer`);
  /** Distinct bodies over up to `tries` requests, stopping once `enough` are seen. */
  const responders = async (netns: string, url: string, tries: number, enough = Infinity) => {
    const seen = new Set<string>();
    for (let i = 0; i < tries && seen.size < enough; i++) seen.add((await fx.curl(netns, url)).body);
    return seen;
  };

  before(async () => {
    server = await startK8ts();
    kubectl = new Kubectl('1.33', server.kubeconfig);
    client = new RestClient(restConfigFromKubeconfig(server.kubeconfig));
    fx = await NetnsFixture.create('proxy');
    node = await fx.netns('node');
    outside = await fx.netns('out');
    await fx.link(node, '192.168.50.1/24', outside, '192.168.50.2/24');
    const nodeHost = new HostCommands(node);
    await nodeHost.run('ip', ['route', 'add', 'default', 'via', '192.168.50.2']);
    await new HostCommands(outside).run('ip', ['route', 'add', '203.0.113.0/24', 'via', '192.168.50.1']);
    const net = new CniPodNetwork({ podCIDR: '10.42.0.0/24', clusterCIDR: '10.42.0.0/16', stateDir: join(fx.dir, 'cni'), host: nodeHost });
    await net.init();
    for (const pod of ['p1', 'p2', 'p3', 'client']) {
      const ns = await fx.netns(pod);
      ip[pod] = (await net.setUp({ podUID: `uid-${pod}`, namespace: 'default', name: pod, netnsPath: `/var/run/netns/${ns}` })).ips[0]!;
      if (pod === 'client') continue;
      await fx.httpd(ns, 8080, pod);
      await fx.udpEcho(ns, 5353, pod);
    }
    // The node as its agent registers it: the LoadBalancer status uses its address.
    await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node' } });
    await client.patch('/api/v1/nodes/node/status', {
      status: { addresses: [{ type: 'InternalIP', address: '192.168.50.1' }, { type: 'Hostname', address: 'node' }], conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready', lastHeartbeatTime: new Date().toISOString(), lastTransitionTime: new Date().toISOString() }] },
    });
    proxy = new ServiceProxy({ nodeName: 'node', client, serviceCIDR: '10.43.0.0/16', clusterCIDR: '10.42.0.0/16', host: nodeHost });
    await proxy.start();
  });

  after(async () => {
    await proxy?.stop();
    client?.close();
    await fx?.cleanup();
    await server?.cleanup();
  });

  it('balances a ClusterIP over its 3 ready endpoints, from a pod and from the node', async () => {
    await apply(serviceYaml('web', { ports: [{ name: 'http', port: 80, targetPort: 8080 }] }), sliceYaml('web', [{ ip: ip.p1! }, { ip: ip.p2! }, { ip: ip.p3! }], [http]));
    const vip = await clusterIP('web');
    await answers(from('client'), `http://${vip}/`);
    assert.deepEqual([...(await responders(from('client'), `http://${vip}/`, 100, 3))].sort(), ['p1', 'p2', 'p3']);
    assert.match((await fx.curl(node, `http://${vip}/`)).body, /^p[123]$/);
  });

  it('lets a pod reach itself through its own service (hairpin)', async () => {
    const vip = await clusterIP('web');
    assert.ok((await responders(from('p1'), `http://${vip}/`, 100, 3)).has('p1'));
  });

  it('refuses connections while no endpoint is ready and answers again when one is', async () => {
    const vip = await clusterIP('web');
    await apply(sliceYaml('web', [{ ip: ip.p1!, ready: false }, { ip: ip.p2!, ready: false }, { ip: ip.p3!, ready: false }], [http]));
    await fx.waitFor(async () => (await fx.connect(from('client'), vip, 80)) === 'ECONNREFUSED', 15_000, 'connection refused');
    assert.equal(await fx.connect(node, vip, 80), 'ECONNREFUSED', 'from the node too');
    assert.equal(proxy.lastSync?.full, false, 'one change is an incremental sync');
    assert.equal(proxy.lastSync?.changedPorts, 1);
    await apply(sliceYaml('web', [{ ip: ip.p1! }, { ip: ip.p2! }, { ip: ip.p3! }], [http]));
    await answers(from('client'), `http://${vip}/`);
  });

  it('rejects a port the cluster IP does not serve', async () => {
    assert.equal(await fx.connect(from('client'), await clusterIP('web'), 81), 'ECONNREFUSED');
  });

  it('serves a NodePort on 127.0.0.1 and on the node address, masquerading outside clients', async () => {
    await apply(serviceYaml('np', { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 8080 }] }), sliceYaml('np', [{ ip: ip.p1! }], [http]));
    const port = await nodePort('np');
    assert.ok(port >= 30000 && port <= 32767);
    await answers(node, `http://127.0.0.1:${port}/`);
    assert.equal((await fx.curl(node, `http://127.0.0.1:${port}/`)).body, 'p1');
    assert.equal((await fx.curl(outside, `http://192.168.50.1:${port}/`)).body, 'p1');
    assert.equal((await fx.curl(from('client'), `http://192.168.50.1:${port}/`)).body, 'p1');
    assert.equal((await fx.curl(outside, `http://192.168.50.1:${port}/cgi-bin/remote`)).body, '10.42.0.1');
  });

  it('gives a LoadBalancer the node address as EXTERNAL-IP, and that address answers', async () => {
    await apply(serviceYaml('lb', { type: 'LoadBalancer', ports: [{ name: 'http', port: 8088, targetPort: 8080 }] }), sliceYaml('lb', [{ ip: ip.p2! }], [http]));
    await fx.waitFor(async () => (await kubectl.ok(['get', 'svc', 'lb', '--no-headers'])).split(/\s+/)[3] === '192.168.50.1', 15_000, 'EXTERNAL-IP');
    const status = JSON.parse(await kubectl.ok(['get', 'svc', 'lb', '-o', 'json'])) as { status: { loadBalancer: { ingress: { ip: string }[] } } };
    assert.equal(status.status.loadBalancer.ingress[0]!.ip, '192.168.50.1');
    await answers(outside, 'http://192.168.50.1:8088/');
    assert.equal((await fx.curl(outside, 'http://192.168.50.1:8088/')).body, 'p2');
    assert.equal((await fx.curl(from('client'), 'http://192.168.50.1:8088/')).body, 'p2');
  });

  it('keeps the client address and local endpoints for externalTrafficPolicy Local', async () => {
    await apply(
      serviceYaml('local', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, targetPort: 8080 }] }),
      sliceYaml('local', [{ ip: ip.p3! }, { ip: '10.42.9.9', node: 'elsewhere' }], [http]),
    );
    const port = await nodePort('local');
    await answers(outside, `http://192.168.50.1:${port}/`);
    assert.deepEqual([...(await responders(outside, `http://192.168.50.1:${port}/`, 12))], ['p3']);
    assert.equal((await fx.curl(outside, `http://192.168.50.1:${port}/cgi-bin/remote`)).body, '192.168.50.2');
  });

  it('uses only local endpoints for internalTrafficPolicy Local', async () => {
    await apply(
      serviceYaml('itp', { internalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, targetPort: 8080 }] }),
      sliceYaml('itp', [{ ip: ip.p2! }, { ip: '10.42.9.9', node: 'elsewhere' }], [http]),
    );
    const vip = await clusterIP('itp');
    await answers(from('client'), `http://${vip}/`);
    assert.deepEqual([...(await responders(from('client'), `http://${vip}/`, 12))], ['p2']);
  });

  it('sticks a client to one endpoint with sessionAffinity ClientIP', async () => {
    await apply(
      serviceYaml('sticky', { sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, targetPort: 8080 }] }),
      sliceYaml('sticky', [{ ip: ip.p1! }, { ip: ip.p2! }, { ip: ip.p3! }], [http]),
    );
    const vip = await clusterIP('sticky');
    await answers(from('client'), `http://${vip}/`);
    assert.equal((await responders(from('client'), `http://${vip}/`, 15)).size, 1);
  });

  it('answers on externalIPs', async () => {
    await apply(serviceYaml('extip', { externalIPs: ['203.0.113.10'], ports: [{ name: 'http', port: 80, targetPort: 8080 }] }), sliceYaml('extip', [{ ip: ip.p1! }], [http]));
    await answers(outside, 'http://203.0.113.10/');
    assert.equal((await fx.curl(outside, 'http://203.0.113.10/')).body, 'p1');
  });

  it('serves several named ports of one service', async () => {
    await apply(
      serviceYaml('multi', { ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'alt', port: 8000, targetPort: 'alt' }] }),
      sliceYaml('multi', [{ ip: ip.p3! }], [http, { name: 'alt', port: 8080 }]),
    );
    const vip = await clusterIP('multi');
    await answers(from('client'), `http://${vip}/`);
    assert.equal((await fx.curl(from('client'), `http://${vip}:8000/`)).body, 'p3');
  });

  it('proxies UDP and flushes conntrack entries of a removed endpoint', async () => {
    const udp = { name: 'dns', port: 5353, protocol: 'UDP' };
    await apply(serviceYaml('dns', { ports: [{ name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' }] }), sliceYaml('dns', [{ ip: ip.p1! }], [udp]));
    const vip = await clusterIP('dns');
    await fx.waitFor(async () => (await fx.udp(from('client'), vip, 53, { localPort: 40053, timeoutMs: 500 })) === 'p1', 15_000, 'UDP answer');
    await apply(sliceYaml('dns', [{ ip: ip.p2! }], [udp]));
    // Same client port: without the flush its conntrack entry would still lead to p1.
    await fx.waitFor(async () => (await fx.udp(from('client'), vip, 53, { localPort: 40053, timeoutMs: 500 })) === 'p2', 15_000, 'UDP answer from the new endpoint');
  });

  it('writes no rules for headless and ExternalName services, and removes a deleted service', async () => {
    await apply(
      serviceYaml('headless', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }),
      serviceYaml('extname', { type: 'ExternalName', externalName: 'example.com' }),
      sliceYaml('headless', [{ ip: ip.p1! }], [http]),
    );
    // A Service handed to another proxy implementation is left alone.
    await apply(
      JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'other', namespace: 'default', labels: { 'service.kubernetes.io/service-proxy-name': 'someone-else' } }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } }),
      sliceYaml('other', [{ ip: ip.p1! }], [http]),
    );
    const vip = await clusterIP('web');
    await kubectl.ok(['delete', 'svc', 'web']);
    await fx.waitFor(async () => (await fx.curl(from('client'), `http://${vip}/`)).exit !== 0, 15_000, 'deleted service to stop answering');
    await proxy.waitForSync();
    const table = (await new HostCommands(node).run('nft', ['list', 'table', 'ip', 'k8ts-proxy'])).stdout;
    assert.doesNotMatch(table, /default\/headless\//);
    assert.doesNotMatch(table, /default\/extname\//);
    // Common ports have no chain of their own, only map elements keyed on their addresses.
    const routed = (ip: string) => table.includes(`${ip} . tcp . `);
    assert.equal(routed(vip), false, 'deleted service still routed');
    assert.equal(routed(await clusterIP('other')), false, "another proxy's service routed");
    assert.equal(routed(await clusterIP('np')), true, 'remaining service not routed');
  });
});
