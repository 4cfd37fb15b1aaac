import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { builtinResources } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import { openSqliteStore } from '../../storage/sqlite-store.js';
import type { Store } from '../../storage/store.js';
import { silentLogger } from '../../util/log.js';
import { NodeIpamController } from './node-ipam-controller.js';
import { PodCidrSet } from './pod-cidr-set.js';

describe('PodCidrSet', () => {
  it('cuts the cluster CIDR into node ranges', () => {
    const set = new PodCidrSet('10.42.0.0/16', 24);
    assert.equal(set.count, 256);
    assert.equal(set.cidr(0), '10.42.0.0/24');
    assert.equal(set.cidr(255), '10.42.255.0/24');
    assert.equal(set.indexOf('10.42.7.0/24'), 7);
    assert.equal(set.indexOf('10.42.7.0/25'), undefined);
    assert.equal(set.indexOf('10.42.7.128/24'), undefined);
    assert.equal(set.indexOf('10.43.0.0/24'), undefined);
    assert.equal(new PodCidrSet('10.42.0.0/22', 24).count, 4);
    assert.throws(() => new PodCidrSet('10.42.0.0/24', 16), /does not fit/);
  });
});

describe('NodeIpamController', () => {
  let dir: string;
  let store: Store;
  let catalog: ResourceCatalog;
  let ipam: NodeIpamController;
  const nodes = () => catalog.lookup('', 'v1', 'nodes')!;
  const podCIDR = async (name: string): Promise<string | undefined> => ((await nodes().get(undefined, name)).spec as { podCIDR?: string } | undefined)?.podCIDR;
  const waitCIDR = async (name: string): Promise<string> => {
    for (let i = 0; i < 400; i++) {
      const c = await podCIDR(name);
      if (c) return c;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`node ${name} got no podCIDR`);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-nodeipam-'));
    store = openSqliteStore(join(dir, 'state.db'));
    catalog = new ResourceCatalog(builtinResources, store, { now: () => Date.now() });
    // A node that registered with a range already (e.g. set by an earlier server).
    await nodes().create(undefined, { metadata: { name: 'n0' }, spec: { podCIDR: '10.42.0.0/24' } } as KubeObject);
    ipam = new NodeIpamController(catalog, store, { clusterCidr: '10.42.0.0/22' }, silentLogger());
    await ipam.start();
  });
  after(async () => {
    ipam?.stop();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('assigns each registering node its own range and keeps existing ones', async () => {
    await nodes().create(undefined, { metadata: { name: 'n1' } });
    await nodes().create(undefined, { metadata: { name: 'n2' } });
    const c1 = await waitCIDR('n1');
    const c2 = await waitCIDR('n2');
    assert.equal(await podCIDR('n0'), '10.42.0.0/24');
    assert.deepEqual(new Set([c1, c2]).size, 2);
    for (const c of [c1, c2]) assert.match(c, /^10\.42\.[123]\.0\/24$/);
    const n1 = await nodes().get(undefined, 'n1');
    assert.deepEqual((n1.spec as { podCIDRs: string[] }).podCIDRs, [c1]);
  });

  it('frees the range of a deleted node for the next one', async () => {
    await nodes().create(undefined, { metadata: { name: 'n3' } });
    const c3 = await waitCIDR('n3');
    // The /22 is now full: a fifth node waits.
    await nodes().create(undefined, { metadata: { name: 'n4' } });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await podCIDR('n4'), undefined);
    await nodes().delete(undefined, 'n3');
    assert.equal(await waitCIDR('n4'), c3);
  });
});
