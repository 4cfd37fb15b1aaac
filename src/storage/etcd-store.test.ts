import { after, before, describe } from 'node:test';
import { startEtcd, type EtcdProcess } from '../../test/support/etcd.js';
import { runStoreConformance } from './conformance.js';
import { openEtcdStore } from './etcd-store.js';

// One real etcd for the whole file: each case uses its own key root, and the suite only
// compares revisions relative to its own writes, so cases can share it.
describe('EtcdStore', () => {
  let etcd: EtcdProcess | undefined;
  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
  });

  runStoreConformance('etcd', async () => {
    if (!etcd) throw new Error('etcd did not start');
    const store = await openEtcdStore(etcd.endpoint);
    return { store, cleanup: () => store.close() };
  });
});
