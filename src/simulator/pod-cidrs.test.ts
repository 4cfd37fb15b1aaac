import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeIpPool, PodCidrs } from './pod-cidrs.js';
import { expandLabelValue, nodeAddress } from './node-template.js';

test('node CIDRs are /24s until the range runs out, then smaller', () => {
  const small = new PodCidrs('10.42.0.0/16', 3);
  assert.deepEqual([0, 1, 2].map((i) => small.forNode(i)), ['10.42.255.0/24', '10.42.254.0/24', '10.42.253.0/24']);
  const big = new PodCidrs('10.42.0.0/16', 5000);
  assert.equal(big.mask, 29);
  assert.equal(big.forNode(0), '10.42.255.248/29');
  assert.equal(big.forNode(4999), '10.42.99.192/29');
});

test('pod IPs skip the network and gateway addresses and are reused after release', () => {
  const pool = new NodeIpPool('10.42.1.0/24');
  assert.equal(pool.allocate(), '10.42.1.2');
  assert.equal(pool.allocate(), '10.42.1.3');
  pool.release('10.42.1.2');
  const tiny = new NodeIpPool('10.0.0.0/30');
  assert.equal(tiny.allocate(), '10.0.0.2');
  assert.equal(tiny.allocate(), '10.0.0.2');
});

test('label templates and node addresses', () => {
  assert.equal(expandLabelValue('zone-{index%3}', 7), 'zone-1');
  assert.equal(expandLabelValue('rack{index}', 7), 'rack7');
  assert.equal(nodeAddress(0), '172.16.0.1');
  assert.equal(nodeAddress(300), '172.16.1.45');
});
