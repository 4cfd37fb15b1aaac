import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CommandResult, HostCommands, type RunOptions } from '../host/host-commands.js';
import { NetnsFixture, networkTestsSupported } from '../testing/netns-fixture.js';
import { ProxyRuleSyncer } from './rule-syncer.js';
import type { Endpoint, ServicePortModel } from './service-model.js';

const skip = await networkTestsSupported();

/** Runs commands in a namespace and keeps the nft scripts it was given. */
class RecordingHost extends HostCommands {
  scripts: string[] = [];
  override run(cmd: string, args: string[], opts: RunOptions = {}): Promise<CommandResult> {
    if (cmd === 'nft' && opts.input) this.scripts.push(opts.input);
    return super.run(cmd, args, opts);
  }
}

function port(name: string, clusterIP: string, endpoints: number, first = 1): ServicePortModel {
  const eps: Endpoint[] = Array.from({ length: endpoints }, (_, i) => ({ ip: `10.42.0.${first + i}`, port: 8080, nodeName: 'n2', ready: true, serving: true, terminating: false }));
  return { key: `default/${name}/tcp/http`, serviceKey: `default/${name}`, protocol: 'tcp', port: 80, clusterIPs: [clusterIP], externalIPs: [], loadBalancerIPs: [], externalPolicyLocal: false, internalPolicyLocal: false, endpoints: eps };
}

describe('ProxyRuleSyncer in a real kernel (nft in a network namespace)', { skip }, () => {
  let fx: NetnsFixture;
  let host: RecordingHost;
  let syncer: ProxyRuleSyncer;
  const list = async (...what: string[]) => (await host.run('nft', ['list', ...what])).stdout;
  const map = (name: string) => list('map', 'ip', 'k8ts-proxy', name);

  before(async () => {
    fx = await NetnsFixture.create('syncer');
    host = new RecordingHost(await fx.netns('node'));
    syncer = new ProxyRuleSyncer(host, { table: 'k8ts-proxy', serviceCIDR: '10.43.0.0/16', clusterCIDR: '10.42.0.0/16', masqueradeBit: 14, localhostNodePorts: false }, { nodeName: 'n1', clusterCIDR: '10.42.0.0/16' });
  });

  after(() => fx?.cleanup());

  it('routes common ports through the shared chains with map elements, and big ones through their own chain', async () => {
    syncer.setService('default/small', [port('small', '10.43.0.3', 3)]);
    syncer.setService('default/big', [port('big', '10.43.0.20', 20, 100)]);
    assert.equal((await syncer.sync()).full, true);
    const chains = await list('chains', 'ip');
    for (let n = 1; n <= 16; n++) assert.match(chains, new RegExp(`chain lb-${n} \\{`));
    assert.match(await map('service-ips'), /10\.43\.0\.3 \. tcp \. 80 : goto lb-3/);
    assert.match(await map('service-endpoints'), /10\.43\.0\.3 \. tcp \. 80 \. 2 : 10\.42\.0\.3 \. 8080/);
    assert.match(await map('service-ips'), /10\.43\.0\.20 \. tcp \. 80 : goto svc-\w+-default\/big\/tcp\/http/);
    assert.match(chains, /chain svc-\w+-default\/big\/tcp\/http \{/);
    assert.doesNotMatch(chains, /chain svc-\w+-default\/small\//);
  });

  it('changes endpoints, adds and removes services incrementally against the existing maps', async () => {
    syncer.setService('default/small', [port('small', '10.43.0.3', 2, 7)]);
    const changed = await syncer.sync();
    assert.equal(changed.full, false);
    assert.doesNotMatch(host.scripts.at(-1)!, /add (chain|map|table)/);
    assert.match(await map('service-ips'), /10\.43\.0\.3 \. tcp \. 80 : goto lb-2/);
    const eps = await map('service-endpoints');
    assert.match(eps, /10\.43\.0\.3 \. tcp \. 80 \. 1 : 10\.42\.0\.8 \. 8080/);
    assert.doesNotMatch(eps, /10\.43\.0\.3 \. tcp \. 80 \. 2 /);

    syncer.setService('default/new', [port('new', '10.43.0.9', 1, 50)]);
    syncer.setService('default/big', []);
    assert.equal((await syncer.sync()).full, false);
    assert.match(await map('service-ips'), /10\.43\.0\.9 \. tcp \. 80 : goto lb-1/);
    assert.doesNotMatch(await map('service-ips'), /10\.43\.0\.20 /);
    assert.doesNotMatch(await list('chains', 'ip'), /default\/big\//);
  });

  it('rewrites the populated table in one transaction', async () => {
    syncer.invalidate();
    const r = await syncer.sync();
    assert.equal(r.full, true);
    assert.match(host.scripts.at(-1)!, /^add table ip k8ts-proxy\ndelete table ip k8ts-proxy\n/);
    assert.match(await map('service-endpoints'), /10\.43\.0\.9 \. tcp \. 80 \. 0 : 10\.42\.0\.50 \. 8080/);
  });
});
