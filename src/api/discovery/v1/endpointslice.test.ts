import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, created, lines, updated } from '../../common/testing.js';
import { endpointSlices } from './endpointslice.js';

test('port defaults and the PORTS / ENDPOINTS columns', () => {
  const { obj, errs } = created(endpointSlices, {
    metadata: { name: 'web-abc12', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['10.42.0.5'], conditions: { ready: true }, nodeName: 'node1' },
      { addresses: ['10.42.0.6'] },
      { addresses: ['10.42.0.7'] },
      { addresses: ['10.42.0.8'] },
    ],
    ports: [{ port: 80 }, { name: 'metrics', port: 9090, protocol: 'TCP' }],
  });
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.ports, [
    { port: 80, name: '', protocol: 'TCP' },
    { name: 'metrics', port: 9090, protocol: 'TCP' },
  ]);
  assert.deepEqual(endpointSlices.cells!(obj, at(3)), ['web-abc12', 'IPv4', '80,9090', '10.42.0.5,10.42.0.6,10.42.0.7 + 1 more...', '3s']);
  const empty = created(endpointSlices, { metadata: { name: 'e', namespace: 'default' }, addressType: 'IPv4', ports: [{ name: 'http' }] });
  assert.equal(empty.obj.endpoints, null);
  assert.deepEqual(endpointSlices.cells!(empty.obj, at(3)).slice(2, 4), ['http', '<unset>']);
});

test('addresses follow the address type; ports are unique', () => {
  const { errs } = created(endpointSlices, {
    metadata: { name: 'bad', namespace: 'default' },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['fd00::1', '127.0.0.1', 'nope'] }, { addresses: [] }],
    ports: [{ name: 'http', port: 80, protocol: 'ICMP' }, { name: 'http', port: 81 }],
  });
  assert.deepEqual(lines(errs), [
    'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be an IPv4 address',
    'endpoints[0].addresses[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'endpoints[0].addresses[2]: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'endpoints[1].addresses: Required value: must contain at least 1 address',
    'ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    'ports[1].name: Duplicate value: "http"',
  ]);
  assert.deepEqual(lines(created(endpointSlices, { metadata: { name: 'x', namespace: 'default' }, addressType: 'IP' }).errs), [
    'addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"',
  ]);
  const fqdn = created(endpointSlices, { metadata: { name: 'f', namespace: 'default' }, addressType: 'FQDN', endpoints: [{ addresses: ['example.com.', 'localhost'] }] });
  assert.deepEqual(lines(fqdn.errs), ['endpoints[0].addresses[1]: Invalid value: "localhost": should be a domain with at least two segments separated by dots']);
  const changed = structuredClone(fqdn.obj);
  changed.addressType = 'IPv6';
  changed.endpoints = [{ addresses: ['fd00::1'] }];
  assert.deepEqual(lines(updated(endpointSlices, changed, fqdn.obj)), ['addressType: Invalid value: "IPv6": field is immutable']);
});
