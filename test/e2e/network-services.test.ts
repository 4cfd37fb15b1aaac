// The built-in cluster DNS and Ingress controller as `k8ts server` runs them: the acceptance
// scenario with the real kubectl, curl and dig against the server's own listeners.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl } from '../support/kubectl.js';
import { nodeAddresses } from '../../src/network/node-address.js';
import { dig } from '../../src/network/dns/test-support.js';
import { startEchoBackend, type EchoBackend } from '../../src/network/ingress/test-support.js';

function curl(args: string[]): Promise<{ code: number; body: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-s', '--max-time', '10', '-w', '\n%{http_code}', ...args], { encoding: 'utf8' }, (_e, stdout) => {
      const i = stdout.lastIndexOf('\n');
      resolve({ code: Number(stdout.slice(i + 1)), body: stdout.slice(0, i) });
    });
  });
}

/** The ports a component logged once it listened (pino JSON lines on stderr). */
function loggedIngressPorts(logs: string): { http: number; https: number } | undefined {
  for (const line of logs.split('\n')) {
    if (!line.includes('ingress controller serving')) continue;
    return (JSON.parse(line) as { ports: { http: number; https: number } }).ports;
  }
  return undefined;
}

describe('k8ts server: built-in DNS and ingress', () => {
  let server: TestServer;
  let kubectl: Kubectl;
  let api: EchoBackend;
  let web: EchoBackend;
  let dir: string;
  let ports: { http: number; https: number };
  const nodeIP = nodeAddresses()[0]!;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-netsvc-'));
    server = await startK8ts({ extraArgs: ['--ingress-http-port', '0', '--ingress-https-port', '0', '--cluster-dns-listen', '127.0.0.1:0'] });
    kubectl = new Kubectl('1.33', server.kubeconfig);
    api = await startEchoBackend('api', nodeIP);
    web = await startEchoBackend('web', nodeIP);
    // The ingress starts in the background: wait for its log line.
    for (let i = 0; i < 400 && !loggedIngressPorts(server.logs()); i++) await new Promise((r) => setTimeout(r, 25));
    ports = loggedIngressPorts(server.logs())!;
    assert.ok(ports, server.logs());
  });

  after(async () => {
    await api?.close();
    await web?.close();
    await server?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('publishes kube-dns at the --cluster-dns IP and answers on its endpoint port', async () => {
    const svc = await kubectl.ok(['get', 'svc', 'kube-dns', '-n', 'kube-system', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[*].name}']);
    assert.equal(svc, '10.43.0.10 dns dns-tcp metrics');
    const port = Number(await kubectl.ok(['get', 'endpointslice', 'kube-dns', '-n', 'kube-system', '-o', 'jsonpath={.ports[0].port}']));
    const r = await dig(port, ['kubernetes.default.svc.cluster.local', 'A']);
    assert.deepEqual(r.answer.map((a) => a[4]), ['10.43.0.1']);
    const ptr = await dig(port, ['-x', '10.43.0.10']);
    assert.deepEqual(ptr.answer.map((a) => a[4]), ['kube-dns.kube-system.svc.cluster.local.']);
    const metricsPort = await kubectl.ok(['get', 'endpointslice', 'kube-dns', '-n', 'kube-system', '-o', 'jsonpath={.ports[?(@.name=="metrics")].port}']);
    const metrics = await curl([`http://127.0.0.1:${metricsPort}/metrics`]);
    assert.match(metrics.body, /^coredns_dns_requests_total\{proto="udp"\} [1-9]/m);
    assert.match(metrics.body, /^coredns_dns_responses_total\{rcode="NOERROR"\} [1-9]/m);
  });

  it('serves the acceptance Ingress: two paths and a host rule, unknown host 404, TLS by --resolve', async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c'), '-days', '1', '-subj', '/CN=my.domain', '-addext', 'subjectAltName=DNS:my.domain'], { stdio: 'ignore' });
    await kubectl.ok(['create', 'secret', 'tls', 'my-tls', `--cert=${join(dir, 'c')}`, `--key=${join(dir, 'k')}`]);
    const slice = (svc: string, port: number) =>
      `apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: ${svc}-1, labels: {kubernetes.io/service-name: ${svc}}}\naddressType: IPv4\nports: [{name: http, port: ${port}, protocol: TCP}]\nendpoints: [{addresses: [${nodeIP}]}]\n`;
    await kubectl.ok(['apply', '-f', '-'], {
      input: [
        'apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {ports: [{name: http, port: 80}]}\n',
        'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{name: http, port: 80}]}\n',
        slice('api', api.port),
        slice('web', web.port),
        `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: demo
  annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "false"}
spec:
  tls: [{hosts: [my.domain], secretName: my-tls}]
  rules:
  - host: my.domain
    http:
      paths:
      - {path: /demo, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
`,
      ].join('---\n'),
    });
    const base = `http://127.0.0.1:${ports.http}`;
    let r = await curl(['-H', 'Host: my.domain', `${base}/demo/x`]);
    for (let i = 0; i < 100 && r.code !== 200; i++) {
      await new Promise((res) => setTimeout(res, 50));
      r = await curl(['-H', 'Host: my.domain', `${base}/demo/x`]);
    }
    assert.equal(JSON.parse(r.body).backend, 'api');
    assert.equal(JSON.parse((await curl(['-H', 'Host: my.domain', `${base}/index.html`])).body).backend, 'web');
    assert.equal((await curl(['-H', 'Host: nobody.example', `${base}/`])).code, 404);
    const tlsReply = await curl(['--cacert', join(dir, 'c'), '--resolve', `my.domain:${ports.https}:127.0.0.1`, `https://my.domain:${ports.https}/demo`]);
    assert.equal(JSON.parse(tlsReply.body).backend, 'api');
    let address = '';
    for (let i = 0; i < 100 && address !== nodeIP; i++) {
      address = await kubectl.ok(['get', 'ingress', 'demo', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']);
      if (address !== nodeIP) await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(address, nodeIP);
  });

  it('--disable ingress,coredns leaves both out', async () => {
    const bare = await startK8ts({ extraArgs: ['--disable', 'ingress,coredns'] });
    try {
      const k = new Kubectl('1.33', bare.kubeconfig);
      assert.equal(await k.ok(['get', 'ingressclass', '-o', 'name']), '');
      assert.match((await k.run(['get', 'svc', 'kube-dns', '-n', 'kube-system'])).stderr, /NotFound/);
    } finally {
      await bare.cleanup();
    }
  });
});
