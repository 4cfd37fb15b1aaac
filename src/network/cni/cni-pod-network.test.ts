import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HostCommands } from '../host/host-commands.js';
import { NetnsFixture, networkTestsSupported } from '../testing/netns-fixture.js';
import { CniPodNetwork } from './cni-pod-network.js';

const skip = await networkTestsSupported();

describe('CniPodNetwork (real CNI plugins in network namespaces)', { skip }, () => {
  let fx: NetnsFixture;
  let node: string;
  let net: CniPodNetwork;
  const pods = new Map<string, string>();

  const req = (short: string, portMappings?: { hostPort: number; containerPort: number; protocol: 'tcp' | 'udp' }[]) => ({
    podUID: `uid-${short}`,
    namespace: 'default',
    name: short,
    netnsPath: `/var/run/netns/${fx.name(short)}`,
    ...(portMappings ? { portMappings } : {}),
  });

  before(async () => {
    fx = await NetnsFixture.create('cni');
    node = await fx.netns('node');
    net = new CniPodNetwork({ podCIDR: '10.42.7.0/24', clusterCIDR: '10.42.0.0/16', stateDir: join(fx.dir, 'cni'), host: new HostCommands(node) });
    await net.init();
  });
  after(() => fx?.cleanup());

  it('gives each pod an address from the node podCIDR, reachable from the node and from other pods', async () => {
    await fx.netns('p1');
    await fx.netns('p2');
    const r1 = await net.setUp(req('p1'));
    const r2 = await net.setUp(req('p2'));
    assert.match(r1.ips[0]!, /^10\.42\.7\.\d+$/);
    assert.equal(r1.gateway, '10.42.7.1');
    assert.notEqual(r1.ips[0], r2.ips[0]);
    pods.set('p1', r1.ips[0]!);
    pods.set('p2', r2.ips[0]!);
    await fx.httpd(fx.name('p1'), 8080, 'from-p1');
    assert.equal((await fx.curl(node, `http://${r1.ips[0]}:8080/`)).body, 'from-p1');
    assert.equal((await fx.curl(fx.name('p2'), `http://${r1.ips[0]}:8080/`)).body, 'from-p1');
    // The pod's own loopback is up (the loopback plugin ran).
    assert.equal((await fx.curl(fx.name('p1'), 'http://127.0.0.1:8080/')).body, 'from-p1');
  });

  it('repeats a set-up without allocating again', async () => {
    const again = await net.setUp(req('p1'));
    assert.equal(again.ips[0], pods.get('p1'));
    assert.equal(net.allocations().filter((a) => a.podUID === 'uid-p1').length, 1);
  });

  it('maps hostPort on the node address and on 127.0.0.1', async () => {
    await fx.netns('p3');
    const r3 = await net.setUp(req('p3', [{ hostPort: 18080, containerPort: 8080, protocol: 'tcp' }]));
    await fx.httpd(fx.name('p3'), 8080, 'from-p3');
    assert.equal((await fx.curl(node, 'http://127.0.0.1:18080/')).body, 'from-p3');
    assert.equal((await fx.curl(node, `http://10.42.7.1:18080/`)).body, 'from-p3');
    assert.equal((await fx.curl(fx.name('p1'), `http://10.42.7.1:18080/`)).body, 'from-p3');
    await net.tearDown(req('p3'));
    assert.equal((await fx.curl(node, 'http://127.0.0.1:18080/')).ok, false, 'the port mapping is gone after teardown');
    assert.ok(!net.allocations().some((a) => a.ip === r3.ips[0]));
  });

  it('tears down idempotently and releases the address', async () => {
    await net.tearDown(req('p2'));
    await net.tearDown(req('p2'));
    assert.ok(!net.allocations().some((a) => a.podUID === 'uid-p2'));
    const links = await new HostCommands(fx.name('p2')).run('ip', ['-o', 'link']);
    assert.doesNotMatch(links.stdout, /eth0/);
  });

  it('reclaims allocations of pods that no longer exist', async () => {
    await fx.netns('p4');
    await net.setUp(req('p4'));
    assert.ok(net.allocations().some((a) => a.podUID === 'uid-p4'));
    await new HostCommands().run('ip', ['netns', 'del', fx.name('p4')]);
    await net.garbageCollect(new Set(['uid-p1']));
    assert.deepEqual(net.allocations().map((a) => a.podUID), ['uid-p1']);
    assert.ok(!existsSync(join(fx.dir, 'cni', 'results', 'uid-p4.json')));
    assert.equal((await fx.curl(node, `http://${pods.get('p1')}:8080/`)).body, 'from-p1', 'live pods keep working');
  });

  it('reports a plugin failure as an error and leaves nothing allocated', async () => {
    await assert.rejects(net.setUp({ podUID: 'uid-bad', namespace: 'default', name: 'bad', netnsPath: '/var/run/netns/k8ts-tn-does-not-exist' }), /CNI plugin/);
    assert.ok(!net.allocations().some((a) => a.podUID === 'uid-bad'));
  });
});
