import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import { NodeIpamController } from '../../controllers/nodeipam/node-ipam-controller.js';
import { silentLogger } from '../../util/log.js';
import { catalogNetworkApi } from '../cluster-api.js';
import { HostCommands } from '../host/host-commands.js';
import { NetnsFixture, networkTestsSupported } from '../testing/netns-fixture.js';
import { openTestRegistry, type TestRegistry } from '../testing/test-registry.js';
import { CniPodNetwork } from './cni-pod-network.js';
import { HostGwRoutes, k8tsRouteProtocol, peerRoutes } from './host-gw-routes.js';

const skip = await networkTestsSupported();

describe('peerRoutes', () => {
  it('routes every other node pod range via its InternalIP', () => {
    const node = (name: string, cidr: string | undefined, ip: string | undefined): KubeObject => ({
      metadata: { name },
      spec: cidr ? { podCIDR: cidr, podCIDRs: [cidr] } : {},
      status: ip ? { addresses: [{ type: 'Hostname', address: name }, { type: 'InternalIP', address: ip }] } : {},
    });
    const routes = peerRoutes([node('a', '10.42.0.0/24', '192.168.1.1'), node('b', '10.42.1.0/24', '192.168.1.2'), node('c', undefined, '192.168.1.3'), node('d', '10.42.3.0/24', undefined)], 'a');
    assert.deepEqual(routes, [{ cidr: '10.42.1.0/24', via: '192.168.1.2' }]);
  });
});

describe('two nodes with host-gw routes (network namespaces as hosts)', { skip }, () => {
  let fx: NetnsFixture;
  let reg: TestRegistry;
  let ipam: NodeIpamController;
  const routers: HostGwRoutes[] = [];
  const nets: CniPodNetwork[] = [];
  const podIPs: string[] = [];

  before(async () => {
    fx = await NetnsFixture.create('hostgw');
    reg = await openTestRegistry();
    ipam = new NodeIpamController(reg.catalog, reg.store, { clusterCidr: '10.42.0.0/16' }, silentLogger());
    await ipam.start();
    const hosts = [await fx.netns('node1'), await fx.netns('node2')];
    await fx.link(hosts[0]!, '192.168.77.1/24', hosts[1]!, '192.168.77.2/24');
    const nodes = reg.catalog.lookup('', 'v1', 'nodes')!;
    for (const [i, h] of hosts.entries()) {
      const name = `node${i + 1}`;
      // What an agent does when it registers: create its Node, then wait for nodeipam.
      await reg.create('', 'nodes', { metadata: { name }, status: { addresses: [{ type: 'InternalIP', address: `192.168.77.${i + 1}` }] } });
      let podCIDR: string | undefined;
      await fx.waitFor(async () => !!(podCIDR = ((await nodes.get(undefined, name)).spec as { podCIDR?: string }).podCIDR), 5000, 'podCIDR');
      const net = new CniPodNetwork({ podCIDR: podCIDR!, clusterCIDR: '10.42.0.0/16', stateDir: join(fx.dir, name), host: new HostCommands(h) });
      await net.init();
      nets.push(net);
      const router = new HostGwRoutes(catalogNetworkApi(reg.catalog), new HostCommands(h), name, silentLogger());
      await router.start();
      routers.push(router);
      const pod = await fx.netns(`pod${i + 1}`);
      const r = await net.setUp({ podUID: `uid-pod${i + 1}`, namespace: 'default', name: `pod${i + 1}`, netnsPath: `/var/run/netns/${pod}` });
      podIPs.push(r.ips[0]!);
      await fx.httpd(pod, 8080, `pod${i + 1}`);
    }
  });
  after(async () => {
    for (const r of routers) r.stop();
    ipam?.stop();
    await fx?.cleanup();
    await reg?.close();
  });

  it('gives the nodes different pod ranges', () => {
    const [a, b] = podIPs.map((ip) => ip.split('.').slice(0, 3).join('.'));
    assert.notEqual(a, b);
  });

  it('lets a pod on one node reach a pod on the other with its own source address', async () => {
    await fx.waitFor(async () => (await fx.curl(fx.name('pod1'), `http://${podIPs[1]}:8080/`)).body === 'pod2', 10_000, 'pod1 → pod2');
    assert.equal((await fx.curl(fx.name('pod2'), `http://${podIPs[0]}:8080/`)).body, 'pod1');
    assert.equal((await fx.curl(fx.name('pod2'), `http://${podIPs[0]}:8080/cgi-bin/remote`)).body, podIPs[1], 'no masquerading between pods');
    assert.equal((await fx.curl(fx.name('node2'), `http://${podIPs[0]}:8080/`)).body, 'pod1', 'node → remote pod');
    const routes = await new HostCommands(fx.name('node1')).run('ip', ['route', 'show', 'proto', String(k8tsRouteProtocol)]);
    assert.match(routes.stdout, /via 192\.168\.77\.2/);
  });

  it('removes the route when the peer node goes away', async () => {
    await reg.catalog.lookup('', 'v1', 'nodes')!.delete(undefined, 'node2');
    await fx.waitFor(async () => {
      await routers[0]!.settled();
      const r = await new HostCommands(fx.name('node1')).run('ip', ['route', 'show', 'proto', String(k8tsRouteProtocol)]);
      return r.stdout.trim() === '';
    }, 5000, 'route removal');
    assert.equal((await fx.curl(fx.name('pod1'), `http://${podIPs[1]}:8080/`)).ok, false);
  });
});
