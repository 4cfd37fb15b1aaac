import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { podServiceEnv, serviceEnv } from './service-env.js';

const kubernetes = { metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } };
const web = { metadata: { name: 'my-web', namespace: 'shop' }, spec: { clusterIP: '10.43.0.20', ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }] } };
const headless = { metadata: { name: 'db', namespace: 'shop' }, spec: { clusterIP: 'None', ports: [{ port: 5432 }] } };

describe('service env', () => {
  it('writes the Docker-link variables', () => {
    assert.deepEqual(Object.fromEntries(serviceEnv(web)), {
      MY_WEB_SERVICE_HOST: '10.43.0.20',
      MY_WEB_SERVICE_PORT: '80',
      MY_WEB_SERVICE_PORT_HTTP: '80',
      MY_WEB_SERVICE_PORT_DNS: '53',
      MY_WEB_PORT: 'tcp://10.43.0.20:80',
      MY_WEB_PORT_80_TCP: 'tcp://10.43.0.20:80',
      MY_WEB_PORT_80_TCP_PROTO: 'tcp',
      MY_WEB_PORT_80_TCP_PORT: '80',
      MY_WEB_PORT_80_TCP_ADDR: '10.43.0.20',
      MY_WEB_PORT_53_UDP: 'udp://10.43.0.20:53',
      MY_WEB_PORT_53_UDP_PROTO: 'udp',
      MY_WEB_PORT_53_UDP_PORT: '53',
      MY_WEB_PORT_53_UDP_ADDR: '10.43.0.20',
    });
    assert.deepEqual(serviceEnv(headless), []);
  });

  it('gives every pod the kubernetes service and, with service links, its namespace', () => {
    const pod = { metadata: { name: 'p', namespace: 'shop' }, spec: {} };
    const names = podServiceEnv(pod, [kubernetes, web, headless]).map(([k]) => k);
    assert.ok(names.includes('KUBERNETES_SERVICE_HOST') && names.includes('MY_WEB_SERVICE_HOST'));
    const off = podServiceEnv({ ...pod, spec: { enableServiceLinks: false } }, [kubernetes, web]).map(([k]) => k);
    assert.ok(off.includes('KUBERNETES_SERVICE_PORT_HTTPS') && !off.includes('MY_WEB_SERVICE_HOST'));
  });

  it('brackets IPv6 addresses and lets a namespace service named kubernetes win', () => {
    const v6 = { metadata: { name: 'v6', namespace: 'shop' }, spec: { clusterIP: 'fd00::10', ports: [{ port: 80 }] } };
    assert.equal(Object.fromEntries(serviceEnv(v6)).V6_PORT_80_TCP, 'tcp://[fd00::10]:80');
    const own = { metadata: { name: 'kubernetes', namespace: 'shop' }, spec: { clusterIP: '10.43.0.99', ports: [{ port: 8443 }] } };
    const env = Object.fromEntries(podServiceEnv({ metadata: { name: 'p', namespace: 'shop' }, spec: {} }, [kubernetes, own]));
    assert.equal(env.KUBERNETES_SERVICE_HOST, '10.43.0.99');
  });
});
