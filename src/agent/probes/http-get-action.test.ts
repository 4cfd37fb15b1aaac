import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createCertificateAuthority } from '../../pki/certificates.js';
import { NetnsDialer } from '../streaming/netns-dialer.js';
import type { ActionEnv, ActionTarget } from './action-env.js';
import { httpGetProbe } from './http-get-action.js';
import { tcpSocketProbe } from './tcp-action.js';

// Probes dial through the agent's real dialer; an empty netns path is the host network (a
// hostNetwork pod), so a loopback server stands in for the pod.
const env: ActionEnv = { exec: { exec: () => Promise.reject(new Error('no exec here')) }, dialer: new NetnsDialer() };
const target: ActionTarget = { container: { containerId: 'c', podUid: 'u', sandboxId: 's' }, network: { podUid: 'u', sandboxId: 's', netnsPath: '' }, podIP: '127.0.0.1' };
let server: http.Server;
let port: number;
const seen: http.IncomingHttpHeaders[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === '/ok') return res.end('fine');
    if (req.url === '/moved') return res.writeHead(302, { location: '/ok' }).end();
    if (req.url === '/away') return res.writeHead(301, { location: 'http://example.invalid/' }).end('bye');
    if (req.url === '/slow') return setTimeout(() => res.end('late'), 1500);
    res.writeHead(500).end('broken');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => server.close());

describe('httpGet probe', () => {
  it('2xx is success; the kubelet headers go along with the pod’s own', async () => {
    const r = await httpGetProbe(env, target, { path: '/ok', port, httpHeaders: [{ name: 'X-Check', value: 'a' }] }, {}, 1000);
    assert.deepEqual(r, { result: 'success', output: 'fine', httpStatus: 200 });
    const h = seen.at(-1)!;
    assert.equal(h['user-agent'], 'kube-probe/1.33');
    assert.equal(h.accept, '*/*');
    assert.equal(h['x-check'], 'a');
    assert.equal(h.host, `127.0.0.1:${port}`);
  });

  it('follows a same-host redirect, warns about one to another host', async () => {
    assert.equal((await httpGetProbe(env, target, { path: '/moved', port }, {}, 1000)).result, 'success');
    const away = await httpGetProbe(env, target, { path: '/away', port }, {}, 1000);
    assert.deepEqual(away, { result: 'warning', output: 'Probe terminated redirects, Response body: bye', httpStatus: 301 });
  });

  it('fails with the status code, a refused connection or the timeout as Kubernetes words them', async () => {
    assert.equal((await httpGetProbe(env, target, { path: '/bad', port: 'web' }, { ports: [{ name: 'web', containerPort: port }] }, 1000)).output, 'HTTP probe failed with statuscode: 500');
    const closed = await freePort();
    assert.equal((await httpGetProbe(env, target, { path: '/x', port: closed }, {}, 1000)).output, `Get "http://127.0.0.1:${closed}/x": dial tcp 127.0.0.1:${closed}: connect: connection refused`);
    assert.equal((await httpGetProbe(env, target, { path: '/slow', port }, {}, 300)).output, `Get "http://127.0.0.1:${port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`);
  });

  it('a named port that does not exist is an error, not a verdict', async () => {
    await assert.rejects(httpGetProbe(env, target, { port: 'nope' }, { ports: [] }, 1000), /couldn't find port: nope/);
  });
});

describe('httpGet probe over HTTPS', () => {
  it('does not verify the certificate, as the kubelet does not', async () => {
    const cert = await createCertificateAuthority({ commonName: 'k8ts-probe-test', now: new Date(), days: 1 });
    const tlsServer = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => res.end('secure'));
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    try {
      const tlsPort = (tlsServer.address() as AddressInfo).port;
      assert.deepEqual(await httpGetProbe(env, target, { path: '/', port: tlsPort, scheme: 'HTTPS' }, {}, 2000), { result: 'success', output: 'secure', httpStatus: 200 });
    } finally {
      tlsServer.close();
    }
  });
});

describe('tcpSocket probe', () => {
  it('succeeds when the port accepts and fails with the dial error otherwise', async () => {
    assert.deepEqual(await tcpSocketProbe(env, target, { port }, {}, 1000), { result: 'success', output: '' });
    const closed = await freePort();
    assert.deepEqual(await tcpSocketProbe(env, target, { port: closed }, {}, 1000), { result: 'failure', output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` });
  });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}
