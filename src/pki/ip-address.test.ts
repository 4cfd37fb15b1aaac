import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalIP, firstServiceIP, formatIP, ipToBytes } from './ip-address.js';

describe('ipToBytes', () => {
  it('reads IPv4 and IPv6', () => {
    assert.deepEqual(Array.from(ipToBytes('10.43.0.1')), [10, 43, 0, 1]);
    assert.deepEqual(Array.from(ipToBytes('::1')), [...new Array(15).fill(0), 1]);
    assert.deepEqual(Array.from(ipToBytes('2001:db8::')).slice(0, 4), [0x20, 0x01, 0x0d, 0xb8]);
  });

  it('treats an IPv4-mapped IPv6 address as IPv4, as X.509 does', () => {
    assert.deepEqual(Array.from(ipToBytes('::ffff:192.0.2.7')), [192, 0, 2, 7]);
    assert.deepEqual(Array.from(ipToBytes('::ffff:c000:207')), [192, 0, 2, 7]);
  });

  it('ignores a zone and rejects non-addresses', () => {
    assert.equal(canonicalIP('fe80::1%eth0'), 'fe80::1');
    assert.throws(() => ipToBytes('localhost'), TypeError);
    assert.throws(() => ipToBytes('10.0.0.256'), TypeError);
  });
});

describe('formatIP / canonicalIP', () => {
  it('writes RFC 5952 form', () => {
    assert.equal(canonicalIP('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
    assert.equal(canonicalIP('0:0:0:0:0:0:0:0'), '::');
    assert.equal(canonicalIP('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1');
    // A single zero group is not shortened; on a tie the first run wins.
    assert.equal(canonicalIP('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
    assert.equal(canonicalIP('1:0:0:2:0:0:3:4'), '1::2:0:0:3:4');
    assert.equal(canonicalIP('fd00::2'), 'fd00::2');
    assert.equal(formatIP(Uint8Array.from([127, 0, 0, 1])), '127.0.0.1');
  });

  it('round-trips through bytes', () => {
    for (const ip of ['::1', 'fe80::fc:ff:fe00:1', '10.0.0.1', 'fd00:43::1', '2001:db8::8:800:200c:417a']) {
      assert.equal(formatIP(ipToBytes(ip)), ip);
    }
  });
});

describe('firstServiceIP', () => {
  it('returns network address + 1', () => {
    assert.equal(firstServiceIP('10.43.0.0/16'), '10.43.0.1');
    assert.equal(firstServiceIP('10.96.0.0/12'), '10.96.0.1');
    assert.equal(firstServiceIP('10.43.7.9/16'), '10.43.0.1');
    assert.equal(firstServiceIP('fd00:43::/112'), 'fd00:43::1');
  });

  it('rejects malformed CIDRs', () => {
    assert.throws(() => firstServiceIP('10.43.0.0'), TypeError);
    assert.throws(() => firstServiceIP('10.43.0.0/'), TypeError);
    assert.throws(() => firstServiceIP('10.43.0.0/33'), TypeError);
    assert.throws(() => firstServiceIP('nope/8'), TypeError);
  });
});
