// Cluster DNS against a real k8ts server: objects created with the real kubectl, queries
// made with the real `dig` (bind9-dnsutils) and busybox `nslookup`, forwarding to a fake
// upstream on loopback.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startK8ts, type TestServer } from '../../../test/support/k8ts-server.js';
import { Kubectl } from '../../../test/support/kubectl.js';
import { RestClient, restConfigFromKubeconfig } from '../../client/rest-client.js';
import { restSources } from './cluster-index.js';
import { ClusterDns } from './cluster-dns.js';
import { dig, startFakeUpstream, type FakeUpstream } from './test-support.js';

const manifest = `
apiVersion: v1
kind: Namespace
metadata: {name: dns-test}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: dns-test}
spec:
  ports:
  - {name: http, port: 80, protocol: TCP}
  - {name: dns, port: 53, protocol: UDP}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: dns-test}
spec:
  clusterIP: None
  ports: [{name: pg, port: 5432}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: db-abc12
  namespace: dns-test
  labels: {kubernetes.io/service-name: db, endpointslice.kubernetes.io/managed-by: dns-test.k8ts.io}
addressType: IPv4
ports: [{name: pg, port: 5432, protocol: TCP}]
endpoints:
- {addresses: [10.42.0.11], hostname: db-0, conditions: {ready: true}}
- {addresses: [10.42.0.12], conditions: {ready: true}}
- {addresses: [10.42.0.13], hostname: db-2, conditions: {ready: false}}
---
apiVersion: v1
kind: Service
metadata: {name: sub, namespace: dns-test}
spec:
  clusterIP: None
  selector: {app: sub}
  ports: [{name: http, port: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: sub-pod, namespace: dns-test, labels: {app: sub}}
spec:
  hostname: foo
  subdomain: sub
  containers: [{name: c, image: busybox}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: sub-xyz98
  namespace: dns-test
  labels: {kubernetes.io/service-name: sub}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
- addresses: [10.42.0.21]
  targetRef: {kind: Pod, namespace: dns-test, name: sub-pod}
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: dns-test}
spec:
  type: ExternalName
  externalName: www.upstream.test
`;

describe('cluster DNS (real server, dig, nslookup)', () => {
  let server: TestServer;
  let kubectl: Kubectl;
  let client: RestClient;
  let upstream: FakeUpstream;
  let dns: ClusterDns;
  let port: number;
  let webIP: string;

  before(async () => {
    server = await startK8ts({ extraArgs: ['--disable', 'coredns,ingress'] });
    kubectl = new Kubectl('1.33', server.kubeconfig);
    await kubectl.ok(['apply', '-f', '-'], { input: manifest });
    webIP = (await kubectl.ok(['get', 'svc', 'web', '-n', 'dns-test', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const big = Array.from({ length: 60 }, (_, i) => ({ type: 'A' as const, name: 'big.example', ttl: 60, data: `203.0.113.${i + 1}` }));
    upstream = await startFakeUpstream({
      'outside.example': [{ type: 'A', name: 'outside.example', ttl: 300, data: '198.51.100.1' }],
      'www.upstream.test': [{ type: 'A', name: 'www.upstream.test', ttl: 300, data: '192.0.2.7' }],
      'big.example': big,
    });
    client = new RestClient(restConfigFromKubeconfig(server.kubeconfig));
    dns = new ClusterDns({ sources: restSources(client), host: '127.0.0.1', port: 0, upstreams: [{ host: '127.0.0.1', port: upstream.port }], nameserverIP: '10.43.0.10' });
    port = (await dns.start()).port;
  });

  after(async () => {
    dns?.stop();
    client?.close();
    await upstream?.close();
    await server?.cleanup();
  });

  it('answers a ClusterIP service with its IP, TTL 5, authoritative', async () => {
    const r = await dig(port, ['web.dns-test.svc.cluster.local', 'A']);
    assert.equal(r.status, 'NOERROR');
    assert.ok(r.flags.includes('aa'), r.raw);
    assert.deepEqual(r.answer, [['web.dns-test.svc.cluster.local.', '5', 'IN', 'A', webIP]]);
  });

  it('answers over TCP too', async () => {
    const r = await dig(port, ['+tcp', 'web.dns-test.svc.cluster.local', 'A']);
    assert.deepEqual(r.answer.map((a) => a[4]), [webIP]);
  });

  it('gives NODATA with the SOA for a type the name lacks', async () => {
    const r = await dig(port, ['web.dns-test.svc.cluster.local', 'AAAA']);
    assert.equal(r.status, 'NOERROR');
    assert.equal(r.answer.length, 0);
    assert.deepEqual(r.authority[0]!.slice(0, 9), ['cluster.local.', '5', 'IN', 'SOA', 'ns.dns.cluster.local.', 'hostmaster.cluster.local.', r.authority[0]![6]!, '7200', '1800']);
    assert.deepEqual(r.authority[0]!.slice(9), ['86400', '5']);
  });

  it('gives NXDOMAIN with the SOA for unknown names, namespaces and search-path expansions', async () => {
    for (const name of ['nosuch.dns-test.svc.cluster.local', 'web.nosuchns.svc.cluster.local', 'google.com.dns-test.svc.cluster.local', 'example.com.cluster.local', 'nosuchns.svc.cluster.local']) {
      const r = await dig(port, [name, 'A']);
      assert.equal(r.status, 'NXDOMAIN', name);
      assert.equal(r.authority[0]![3], 'SOA', name);
    }
    const ns = await dig(port, ['dns-test.svc.cluster.local', 'A']);
    assert.equal(ns.status, 'NOERROR');
    assert.equal(ns.answer.length, 0);
  });

  it('answers SRV for named ports with the service target and its address', async () => {
    const r = await dig(port, ['_http._tcp.web.dns-test.svc.cluster.local', 'SRV']);
    assert.deepEqual(r.answer, [['_http._tcp.web.dns-test.svc.cluster.local.', '5', 'IN', 'SRV', '0', '100', '80', 'web.dns-test.svc.cluster.local.']]);
    assert.deepEqual(r.additional.filter((a) => a[3] === 'A'), [['web.dns-test.svc.cluster.local.', '5', 'IN', 'A', webIP]]);
    const udp = await dig(port, ['_dns._udp.web.dns-test.svc.cluster.local', 'SRV']);
    assert.deepEqual(udp.answer.map((a) => a.slice(4)), [['0', '100', '53', 'web.dns-test.svc.cluster.local.']]);
    const wrong = await dig(port, ['_http._udp.web.dns-test.svc.cluster.local', 'SRV']);
    assert.equal(wrong.status, 'NXDOMAIN');
  });

  it('answers a headless service with one A per ready endpoint', async () => {
    const r = await dig(port, ['db.dns-test.svc.cluster.local', 'A']);
    assert.deepEqual(r.answer.map((a) => a[4]).sort(), ['10.42.0.11', '10.42.0.12']);
  });

  it('names headless endpoints by hostname or dashed IP, with SRV per endpoint', async () => {
    assert.deepEqual((await dig(port, ['db-0.db.dns-test.svc.cluster.local'])).answer.map((a) => a[4]), ['10.42.0.11']);
    assert.deepEqual((await dig(port, ['10-42-0-12.db.dns-test.svc.cluster.local'])).answer.map((a) => a[4]), ['10.42.0.12']);
    assert.equal((await dig(port, ['db-2.db.dns-test.svc.cluster.local'])).status, 'NXDOMAIN');
    const srv = await dig(port, ['_pg._tcp.db.dns-test.svc.cluster.local', 'SRV']);
    assert.deepEqual(srv.answer.map((a) => a.slice(4).join(' ')).sort(), ['0 50 5432 10-42-0-12.db.dns-test.svc.cluster.local.', '0 50 5432 db-0.db.dns-test.svc.cluster.local.']);
    assert.deepEqual(srv.additional.filter((a) => a[3] === 'A').map((a) => `${a[0]} ${a[4]}`).sort(), ['10-42-0-12.db.dns-test.svc.cluster.local. 10.42.0.12', 'db-0.db.dns-test.svc.cluster.local. 10.42.0.11']);
  });

  it('resolves a pod by hostname.subdomain', async () => {
    const r = await dig(port, ['foo.sub.dns-test.svc.cluster.local', 'A']);
    assert.deepEqual(r.answer.map((a) => a[4]), ['10.42.0.21']);
  });

  it('resolves dashed pod names in the pod section', async () => {
    const r = await dig(port, ['10-42-0-99.dns-test.pod.cluster.local', 'A']);
    assert.deepEqual(r.answer, [['10-42-0-99.dns-test.pod.cluster.local.', '5', 'IN', 'A', '10.42.0.99']]);
    assert.equal((await dig(port, ['not-an-ip.dns-test.pod.cluster.local'])).status, 'NXDOMAIN');
  });

  it('answers PTR for service IPs and endpoint IPs', async () => {
    const svc = await dig(port, ['-x', webIP]);
    assert.deepEqual(svc.answer.map((a) => a[4]), ['web.dns-test.svc.cluster.local.']);
    const ep = await dig(port, ['-x', '10.42.0.11']);
    assert.deepEqual(ep.answer.map((a) => a[4]), ['db-0.db.dns-test.svc.cluster.local.']);
  });

  it('answers ExternalName with a CNAME and the target resolved upstream', async () => {
    const r = await dig(port, ['ext.dns-test.svc.cluster.local', 'A']);
    assert.deepEqual(r.answer.map((a) => `${a[3]} ${a[4]}`), ['CNAME www.upstream.test.', 'A 192.0.2.7']);
  });

  it('answers the zone apex SOA and NS', async () => {
    const soa = await dig(port, ['cluster.local', 'SOA']);
    assert.equal(soa.answer[0]![3], 'SOA');
    const ns = await dig(port, ['cluster.local', 'NS']);
    assert.deepEqual(ns.answer.map((a) => a[4]), ['ns.dns.cluster.local.']);
    assert.deepEqual(ns.additional.filter((a) => a[3] === 'A').map((a) => a[4]), ['10.43.0.10']);
  });

  it('forwards other names to the upstream, without the aa flag', async () => {
    const r = await dig(port, ['outside.example', 'A']);
    assert.deepEqual(r.answer, [['outside.example.', '300', 'IN', 'A', '198.51.100.1']]);
    assert.ok(!r.flags.includes('aa'));
    const nx = await dig(port, ['nothing.example', 'A']);
    assert.equal(nx.status, 'NXDOMAIN');
  });

  it('passes upstream truncation through so the client retries over TCP', async () => {
    upstream.seen.length = 0;
    const r = await dig(port, ['big.example', 'A']);
    assert.equal(r.answer.length, 60);
    assert.deepEqual(upstream.seen, ['big.example A udp', 'big.example A tcp']);
  });

  it('truncates its own UDP answers beyond 512 bytes without EDNS', async () => {
    const manyEndpoints = Array.from({ length: 80 }, (_, i) => `- {addresses: [10.42.1.${i + 1}]}`).join('\n');
    await kubectl.ok(['apply', '-f', '-'], {
      input: `apiVersion: v1\nkind: Service\nmetadata: {name: many, namespace: dns-test}\nspec: {clusterIP: None, ports: [{port: 80}]}\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: many-1, namespace: dns-test, labels: {kubernetes.io/service-name: many}}\naddressType: IPv4\nports: [{port: 80, protocol: TCP}]\nendpoints:\n${manyEndpoints}\n`,
    });
    let r = await dig(port, ['+noedns', '+ignore', 'many.dns-test.svc.cluster.local']);
    for (let i = 0; r.answer.length === 0 && i < 100; i++) {
      await new Promise((res) => setTimeout(res, 50));
      r = await dig(port, ['+noedns', '+ignore', 'many.dns-test.svc.cluster.local']);
    }
    assert.ok(r.flags.includes('tc'), r.raw);
    assert.ok(r.answer.length > 0 && r.answer.length < 80);
    const full = await dig(port, ['+noedns', 'many.dns-test.svc.cluster.local']);
    assert.equal(full.answer.length, 80);
  });

  it('follows changes: a deleted service stops resolving, even for repeated (cached) queries', async () => {
    // Without cookies dig sends identical bytes, which the server answers from its cache.
    const q = ['+nocookie', 'web.dns-test.svc.cluster.local'];
    assert.deepEqual((await dig(port, q)).answer, (await dig(port, q)).answer);
    await kubectl.ok(['delete', 'svc', 'web', '-n', 'dns-test']);
    let r = await dig(port, q);
    for (let i = 0; r.status !== 'NXDOMAIN' && i < 100; i++) {
      await new Promise((res) => setTimeout(res, 50));
      r = await dig(port, q);
    }
    assert.equal(r.status, 'NXDOMAIN');
  });

  it('is usable from busybox nslookup', async () => {
    const out = await new Promise<string>((resolve) =>
      execFile('busybox', ['nslookup', 'db-0.db.dns-test.svc.cluster.local', `127.0.0.1:${port}`], { encoding: 'utf8' }, (_e, stdout) => resolve(stdout)),
    );
    assert.match(out, /Address: 10\.42\.0\.11/);
  });

  it('answers SERVFAIL when no upstream answers', async () => {
    const lonely = new ClusterDns({ sources: restSources(client), host: '127.0.0.1', port: 0, upstreams: [{ host: '127.0.0.1', port: 9 }], upstreamTimeoutMs: 200 });
    const p = (await lonely.start()).port;
    try {
      assert.equal((await dig(p, ['outside.example'])).status, 'SERVFAIL');
    } finally {
      lonely.stop();
    }
  });
});
