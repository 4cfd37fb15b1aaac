// The Ingress controller against a real k8ts server: objects made with the real kubectl,
// traffic sent with the real curl (and the `ws` WebSocket client) to real HTTP backends.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startK8ts, type TestServer } from '../../../test/support/k8ts-server.js';
import { Kubectl } from '../../../test/support/kubectl.js';
import { RestClient, restConfigFromKubeconfig } from '../../client/rest-client.js';
import { nodeAddresses } from '../node-address.js';
import { errorPage } from './error-pages.js';
import { IngressController } from './ingress-controller.js';
import { restIngressSources, restIngressWriter } from './ingress-sources.js';
import { type Echo, type EchoBackend, startEchoBackend } from './test-support.js';

interface CurlResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  stderr: string;
}

function curl(args: string[]): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '-S', '-i', '--max-time', '20', ...args], { encoding: 'latin1', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err && !stdout) return reject(new Error(`curl ${args.join(' ')}: ${stderr}`));
      // Skip interim responses (100 Continue).
      while (/^HTTP\/1\.1 1\d\d /.test(stdout)) stdout = stdout.slice(stdout.indexOf('\r\n\r\n') + 4);
      const split = stdout.indexOf('\r\n\r\n');
      const head = stdout.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(head[0]!.split(' ')[1]), headers, body: stdout.slice(split + 4), stderr });
    });
  });
}

const echoOf = (r: CurlResult) => JSON.parse(r.body) as Echo;

function slice(name: string, service: string, ip: string, ports: { name: string; port: number }[], ready = true): string {
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}, namespace: ing-test, labels: {kubernetes.io/service-name: ${service}}}
addressType: IPv4
ports: [${ports.map((p) => `{name: ${p.name}, port: ${p.port}, protocol: TCP}`).join(', ')}]
endpoints: [{addresses: [${ip}], conditions: {ready: ${ready}}}]
`;
}

// The same behaviour in-process and with the data plane in two worker processes.
for (const workers of [0, 2])
describe(`ingress controller (real server, kubectl, curl; ${workers} proxy workers)`, () => {
  let server: TestServer;
  let kubectl: Kubectl;
  let client: RestClient;
  let controller: IngressController;
  let backends: Record<string, EchoBackend>;
  let http: number;
  let https: number;
  let dir: string;
  const nodeIP = nodeAddresses()[0]!;
  const base = () => `http://127.0.0.1:${http}`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-ingress-test-'));
    server = await startK8ts({ extraArgs: ['--disable', 'ingress,coredns'] });
    kubectl = new Kubectl('1.33', server.kubeconfig);
    backends = {};
    for (const name of ['api-1', 'api-2', 'web', 'fallback', 'ws']) backends[name] = await startEchoBackend(name, nodeIP);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt'), '-days', '1', '-subj', '/CN=secure.domain', '-addext', 'subjectAltName=DNS:secure.domain'], { stdio: 'ignore' });
    const svc = (name: string, ports: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ing-test}\nspec: {ports: [${ports}]}\n`;
    const docs = [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: ing-test}\n',
      svc('api', '{name: main, port: 80, targetPort: api-http}'),
      svc('web', '{name: http, port: 8080}'),
      svc('fallback', '{name: http, port: 80}'),
      svc('ws', '{name: http, port: 80}'),
      svc('empty', '{name: http, port: 80}'),
      slice('api-a', 'api', nodeIP, [{ name: 'main', port: backends['api-1']!.port }]).replace('addresses: [', 'addresses: ['),
      slice('api-b', 'api', nodeIP, [{ name: 'main', port: backends['api-2']!.port }]),
      slice('web-a', 'web', nodeIP, [{ name: 'http', port: backends.web!.port }]),
      slice('fallback-a', 'fallback', nodeIP, [{ name: 'http', port: backends.fallback!.port }]),
      slice('ws-a', 'ws', nodeIP, [{ name: 'http', port: backends.ws!.port }]),
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: demo, namespace: ing-test}
spec:
  rules:
  - host: my.domain
    http:
      paths:
      - {path: /demo, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
  - host: exact.domain
    http:
      paths:
      - {path: /exact, pathType: Exact, backend: {service: {name: api, port: {number: 80}}}}
      - {path: /exact/sub, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}
  - host: "*.wild.domain"
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}]
  - host: ws.domain
    http:
      paths: [{path: /, pathType: ImplementationSpecific, backend: {service: {name: ws, port: {number: 80}}}}]
  - host: empty.domain
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: empty, port: {number: 80}}}}]
`,
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: fallback, namespace: ing-test}
spec:
  ingressClassName: k8ts
  defaultBackend: {service: {name: fallback, port: {number: 80}}}
`,
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: rewrite
  namespace: ing-test
  annotations: {nginx.ingress.kubernetes.io/rewrite-target: /$2}
spec:
  ingressClassName: nginx
  rules:
  - host: rw.domain
    http:
      paths: [{path: /api(/|$)(.*), pathType: ImplementationSpecific, backend: {service: {name: api, port: {number: 80}}}}]
`,
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: secure, namespace: ing-test}
spec:
  tls: [{hosts: [secure.domain], secretName: secure-tls}]
  rules:
  - host: secure.domain
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]
`,
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: secure-noredirect
  namespace: ing-test
  annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "false"}
spec:
  tls: [{hosts: [plain.secure.domain], secretName: secure-tls}]
  rules:
  - host: plain.secure.domain
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}]
`,
      `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: other}
spec: {controller: example.com/other}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: foreign, namespace: ing-test}
spec:
  ingressClassName: other
  rules:
  - host: other.domain
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}]
`,
    ];
    await kubectl.ok(['apply', '-f', '-'], { input: docs.join('---\n') });
    await kubectl.ok(['create', 'secret', 'tls', 'secure-tls', '-n', 'ing-test', `--cert=${join(dir, 'tls.crt')}`, `--key=${join(dir, 'tls.key')}`]);
    client = new RestClient(restConfigFromKubeconfig(server.kubeconfig));
    controller = new IngressController({ sources: restIngressSources(client), writer: restIngressWriter(client), host: '127.0.0.1', httpPort: 0, httpsPort: 0, addresses: [nodeIP], workers });
    await controller.start();
    ({ http, https } = controller.ports);
  });

  after(async () => {
    await controller?.stop();
    client?.close();
    for (const b of Object.values(backends ?? {})) await b.close();
    await server?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the default IngressClass k8ts', async () => {
    const out = await kubectl.ok(['get', 'ingressclass', 'k8ts', '-o', 'jsonpath={.spec.controller} {.metadata.annotations.ingressclass\\.kubernetes\\.io/is-default-class}']);
    assert.equal(out, 'k8ts.io/ingress-controller true');
  });

  it('routes by host and path prefix: /demo to api, / to web', async () => {
    const demo = await curl(['-H', 'Host: my.domain', `${base()}/demo/users?id=7`]);
    assert.equal(demo.status, 200);
    assert.match(echoOf(demo).backend, /^api-/);
    assert.equal(echoOf(demo).url, '/demo/users?id=7');
    const root = await curl(['-H', 'Host: my.domain', `${base()}/demonstration`]);
    assert.equal(echoOf(root).backend, 'web');
    assert.equal(echoOf(await curl(['-H', 'Host: my.domain', `${base()}/demo`])).backend.slice(0, 4), 'api-');
  });

  it('balances round-robin over the ready endpoints', async () => {
    const seen = [];
    for (let i = 0; i < 8; i++) seen.push(echoOf(await curl(['-H', 'Host: my.domain', `${base()}/demo`])).backend);
    assert.deepEqual(new Set(seen), new Set(['api-1', 'api-2']));
    // Each worker process balances on its own (as nginx workers do without a shared zone).
    if (workers === 0) assert.notEqual(seen[0], seen[1]);
  });

  it('sets X-Forwarded-* and X-Real-IP and keeps the Host', async () => {
    const h = echoOf(await curl(['-H', 'Host: my.domain', '-H', 'X-Forwarded-For: 6.6.6.6', `${base()}/`])).headers;
    assert.equal(h.host, 'my.domain');
    assert.equal(h['x-forwarded-for'], '127.0.0.1');
    assert.equal(h['x-real-ip'], '127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-forwarded-host'], 'my.domain');
    assert.equal(h['x-forwarded-port'], String(http));
    assert.equal(h['x-original-forwarded-for'], '6.6.6.6');
    assert.match(String(h['x-request-id']), /^[0-9a-f]{32}$/);
  });

  it('prefers Exact, then the longest prefix by path elements', async () => {
    assert.match(echoOf(await curl(['-H', 'Host: exact.domain', `${base()}/exact`])).backend, /^api-/);
    assert.equal(echoOf(await curl(['-H', 'Host: exact.domain', `${base()}/exact/sub/x`])).backend, 'web');
    const miss = await curl(['-H', 'Host: exact.domain', `${base()}/exact/`]);
    assert.equal(miss.status, 404);
    assert.equal(miss.body, errorPage(404));
    assert.equal((await curl(['-H', 'Host: exact.domain', `${base()}/exact/subway`])).status, 404);
  });

  it('matches a wildcard host on exactly one label', async () => {
    assert.equal(echoOf(await curl(['-H', 'Host: a.wild.domain', `${base()}/`])).backend, 'web');
    assert.equal(echoOf(await curl(['-H', 'Host: a.b.wild.domain', `${base()}/`])).backend, 'fallback');
  });

  it('sends unknown hosts and other classes to the default backend', async () => {
    assert.equal(echoOf(await curl(['-H', 'Host: unknown.example', `${base()}/x`])).backend, 'fallback');
    assert.equal(echoOf(await curl(['-H', 'Host: other.domain', `${base()}/x`])).backend, 'fallback');
  });

  it('answers 503 with the nginx page when a service has no endpoints', async () => {
    const r = await curl(['-H', 'Host: empty.domain', `${base()}/`]);
    assert.equal(r.status, 503);
    assert.equal(r.body, errorPage(503));
    assert.equal(r.headers['content-type'], 'text/html');
  });

  it('rewrites with capture groups (ingress-nginx rewrite-target, class nginx)', async () => {
    assert.equal(echoOf(await curl(['-H', 'Host: rw.domain', `${base()}/api/users/1?page=2`])).url, '/users/1?page=2');
    assert.equal(echoOf(await curl(['-H', 'Host: rw.domain', `${base()}/api`])).url, '/');
  });

  it('serves TLS from the Secret by SNI, verified by curl', async () => {
    const r = await curl(['--cacert', join(dir, 'tls.crt'), '--resolve', `secure.domain:${https}:127.0.0.1`, `https://secure.domain:${https}/hello`]);
    assert.equal(r.status, 200);
    const e = echoOf(r);
    assert.match(e.backend, /^api-/);
    assert.equal(e.headers['x-forwarded-proto'], 'https');
    assert.equal(e.headers['x-forwarded-port'], String(https));
  });

  it('serves the fake certificate for names without one', async () => {
    const subject = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port: https, servername: 'nobody.example', rejectUnauthorized: false }, () => {
        resolve(s.getPeerCertificate().subject.CN as string);
        s.end();
      });
      s.on('error', reject);
    });
    assert.equal(subject, 'Kubernetes Ingress Controller Fake Certificate');
  });

  it('redirects HTTP to HTTPS with 308 for TLS hosts unless ssl-redirect is false', async () => {
    const r = await curl(['-H', 'Host: secure.domain', `${base()}/path?q=1`]);
    assert.equal(r.status, 308);
    assert.equal(r.headers.location, `https://secure.domain:${https}/path?q=1`);
    assert.equal(r.body, errorPage(308));
    assert.equal(echoOf(await curl(['-H', 'Host: plain.secure.domain', `${base()}/`])).backend, 'web');
  });

  it('keeps client connections alive across requests', async () => {
    const r = await curl(['-v', '-H', 'Host: my.domain', `${base()}/a`, `${base()}/b`]);
    assert.match(r.stderr, /Re-using existing connection/);
  });

  it('streams large bodies both ways', async () => {
    const file = join(dir, 'upload.bin');
    const data = Buffer.alloc(8 << 20, 'u');
    writeFileSync(file, data);
    const up = echoOf(await curl(['-H', 'Host: my.domain', '--data-binary', `@${file}`, `${base()}/upload`]));
    assert.equal(up.bodyBytes, data.length);
    assert.equal(up.method, 'POST');
    const out = join(dir, 'download.bin');
    // Asynchronously: the backends and the proxy run on this process's event loop.
    await new Promise<void>((resolve, reject) => execFile('curl', ['-s', '--max-time', '20', '-H', 'Host: my.domain', '-o', out, `${base()}/download/${16 << 20}`], (err) => (err ? reject(err) : resolve())));
    assert.equal(readFileSync(out).length, 16 << 20);
  });

  it('proxies WebSocket upgrades', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${http}/chat`, { headers: { Host: 'ws.domain' } });
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('hello'));
      ws.on('message', (d) => resolve(String(d)));
      ws.on('error', reject);
    });
    ws.close();
    assert.equal(reply, 'ws:127.0.0.1:hello');
  });

  it('sets status.loadBalancer to the node address', async () => {
    let ip = '';
    for (let i = 0; i < 100 && ip !== nodeIP; i++) {
      ip = await kubectl.ok(['get', 'ingress', 'demo', '-n', 'ing-test', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']);
      if (ip !== nodeIP) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(ip, nodeIP);
    const table = await kubectl.ok(['get', 'ingress', 'demo', '-n', 'ing-test']);
    assert.match(table, new RegExp(`demo\\s+<none>\\s+my.domain,exact.domain,\\*.wild.domain \\+ 2 more...\\s+${nodeIP.replaceAll('.', '\\.')}\\s+80`));
    const foreign = await kubectl.ok(['get', 'ingress', 'foreign', '-n', 'ing-test', '-o', 'jsonpath={.status.loadBalancer}']);
    assert.equal(foreign, '{}');
  });

  it('follows endpoint readiness and deletions', async () => {
    await kubectl.ok(['apply', '-f', '-'], { input: slice('api-b', 'api', nodeIP, [{ name: 'main', port: backends['api-2']!.port }], false) });
    const only = async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) seen.add(echoOf(await curl(['-H', 'Host: my.domain', `${base()}/demo`])).backend);
      return [...seen];
    };
    let seen = await only();
    for (let i = 0; i < 100 && seen.length !== 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
      seen = await only();
    }
    assert.deepEqual(seen, ['api-1']);
    await kubectl.ok(['delete', 'ingress', 'fallback', '-n', 'ing-test']);
    let r = await curl(['-H', 'Host: unknown.example', `${base()}/x`]);
    for (let i = 0; i < 100 && r.status !== 404; i++) {
      await new Promise((res) => setTimeout(res, 50));
      r = await curl(['-H', 'Host: unknown.example', `${base()}/x`]);
    }
    assert.equal(r.status, 404);
    assert.equal(r.body, errorPage(404));
  });
});
