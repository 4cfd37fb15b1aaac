import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, it } from 'node:test';
import { KUBERNETES_SERVICE_NAMES, mergeServingNames, missingServingNames, servingNames } from './serving-names.js';

function nic(address: string, internal = false): NetworkInterfaceInfo {
  const v6 = address.includes(':');
  return v6
    ? { address, internal, family: 'IPv6', netmask: 'ffff:ffff:ffff:ffff::', mac: '00:00:00:00:00:00', cidr: `${address}/64`, scopeid: 0 }
    : { address, internal, family: 'IPv4', netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: `${address}/24` };
}

const interfaces = {
  lo: [nic('127.0.0.1', true), nic('::1', true)],
  eth0: [nic('192.0.2.2'), nic('fd00::2'), nic('fe80::fc:ff:fe00:1')],
  veth1: [nic('fe80::1234'), nic('169.254.3.4')],
};

describe('servingNames', () => {
  it('names loopback, the host, its routable addresses, the kubernetes Service and extras', () => {
    const names = servingNames({
      serviceCIDRs: ['10.43.0.0/16', 'fd00:43::/112'],
      extraHostnames: ['k8ts.example.com', '198.51.100.7'],
      extraIPs: ['203.0.113.1'],
      hostname: 'node-a',
      interfaces,
    });
    assert.deepEqual(names.dnsNames, ['localhost', 'node-a', ...KUBERNETES_SERVICE_NAMES, 'k8ts.example.com']);
    assert.deepEqual(names.ips, ['127.0.0.1', '::1', '192.0.2.2', 'fd00::2', '10.43.0.1', 'fd00:43::1', '198.51.100.7', '203.0.113.1']);
  });

  it('uses the real host when nothing is injected', () => {
    const names = servingNames({ serviceCIDRs: ['10.43.0.0/16'] });
    assert.ok(names.dnsNames.length >= 6);
    assert.ok(names.ips.includes('10.43.0.1'));
  });
});

describe('mergeServingNames / missingServingNames', () => {
  it('de-duplicates DNS names case-insensitively and IPs by value', () => {
    const merged = mergeServingNames({ dnsNames: ['Node-A', 'x'], ips: ['::1', '10.0.0.1'] }, { dnsNames: ['node-a', 'y'], ips: ['0:0::1', '::ffff:10.0.0.1'] });
    assert.deepEqual(merged, { dnsNames: ['Node-A', 'x', 'y'], ips: ['::1', '10.0.0.1'] });
  });

  it('reports only what is absent', () => {
    const required = { dnsNames: ['localhost', 'kubernetes'], ips: ['127.0.0.1', '192.0.2.9'] };
    const present = { dnsNames: ['LOCALHOST', 'kubernetes', 'old-name'], ips: ['127.0.0.1'] };
    assert.deepEqual(missingServingNames(required, present), { dnsNames: [], ips: ['192.0.2.9'] });
    assert.deepEqual(missingServingNames(present, present), { dnsNames: [], ips: [] });
  });
});
