import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpoints } from './endpoints.js';
import { serviceAccounts } from './serviceaccount.js';
import { causes, make, now } from './test-util.js';

describe('endpoints', () => {
  it('lists the first three ip:port pairs', () => {
    const ep = make(endpoints, {
      metadata: { name: 'web', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443, name: 'https' }] }],
    });
    assert.deepEqual(endpoints.cells!(ep, now), ['web', '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...', '5m']);
    assert.equal((ep.subsets as any)[0].ports[0].protocol, 'TCP');
    const none = make(endpoints, { metadata: { name: 'empty', namespace: 'default' } });
    assert.equal(endpoints.cells!(none, now)[1], '<none>');
    const headless = make(endpoints, { subsets: [{ addresses: [{ ip: '10.0.0.9' }] }] });
    assert.equal(endpoints.cells!(headless, now)[1], '10.0.0.9');
  });

  it('validates addresses and ports', () => {
    const ep = make(endpoints, { subsets: [{ addresses: [{ ip: 'nope' }, { ip: '127.0.0.1' }], ports: [{ port: 80 }, { port: 70000, name: 'b' }] }] });
    assert.deepEqual(causes(endpoints.validate!(ep)), [
      'subsets[0].addresses[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'subsets[0].addresses[1].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'subsets[0].ports[0].name: Required value',
      'subsets[0].ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]);
  });
});

describe('serviceaccounts', () => {
  it('prints NAME SECRETS AGE', () => {
    const sa = make(serviceAccounts, { metadata: { name: 'default', namespace: 'default' }, secrets: [{ name: 't' }] });
    assert.deepEqual(serviceAccounts.cells!(sa, now), ['default', 1, '5m']);
    assert.deepEqual(serviceAccounts.shortNames, ['sa']);
  });
});
