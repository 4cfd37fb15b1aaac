import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../util/log.js';
import { HeartbeatScheduler } from './heartbeats.js';

const settle = () => new Promise((r) => setImmediate(r));

test('heartbeats are spread over the interval, every node once per period', async () => {
  let now = 0;
  const leases: string[] = [];
  const statuses: string[] = [];
  const hb = new HeartbeatScheduler(['a', 'b', 'c', 'd'], 1000, 4000, {
    renewLease: async (n) => void leases.push(n),
    reportStatus: async (n) => void statuses.push(n),
  }, silentLogger(), () => now);
  hb.start();
  hb.stop();
  for (const t of [500, 1000, 1500, 2000]) {
    now = t;
    hb.tick();
    await settle();
  }
  assert.deepEqual(leases, ['a', 'b', 'c', 'd', 'a', 'b', 'c', 'd']);
  assert.deepEqual(statuses, ['a', 'b']);
});

test('a heartbeat still in flight is not doubled when the loop falls behind', async () => {
  let now = 0;
  const leases: string[] = [];
  const hb = new HeartbeatScheduler(['a'], 100, 1e9, { renewLease: async (n) => void leases.push(n), reportStatus: async () => {} }, silentLogger(), () => now);
  hb.start();
  hb.stop();
  now = 1000;
  hb.tick();
  assert.deepEqual(leases, ['a']);
});
