// The raw HTTP/1.1 relay against real sockets: pipelining, framing of every kind, upstream
// reuse and failures. The route table is built by hand, so no API server is needed.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { defaultRouteOptions } from './annotations.js';
import { ChunkedScanner } from './chunked-scanner.js';
import { errorPage } from './error-pages.js';
import { fakeCertificate } from './fake-certificate.js';
import { IngressProxy } from './ingress-proxy.js';
import { compilePath } from './path-match.js';
import type { RouteTable } from './route-table.js';
import { TlsStore } from './tls-store.js';

/** A backend speaking raw HTTP so every framing can be produced exactly. */
function rawBackend(): Promise<{ port: number; connections: () => number; close(): void }> {
  let connections = 0;
  const server = net.createServer((c) => {
    connections++;
    let buf = '';
    c.on('data', (d) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        const [method, path] = head.split(' ');
        if (path === '/chunked') c.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n');
        else if (path === '/close') c.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye');
        else if (path === '/eof') c.end('HTTP/1.1 200 OK\r\n\r\nuntil-close');
        else if (path === '/slow') setTimeout(() => c.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), 1500);
        else if (path === '/nocontent') c.write('HTTP/1.1 204 No Content\r\n\r\n');
        else {
          const body = `${method} ${path}`;
          c.write(`HTTP/1.1 200 OK\r\nContent-Length: ${method === 'HEAD' ? 99 : body.length}\r\n\r\n${method === 'HEAD' ? '' : body}`);
        }
      }
    });
    c.on('error', () => c.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as net.AddressInfo).port, connections: () => connections, close: () => server.close() })));
}

function table(port: number, readTimeoutMs = 60_000): RouteTable {
  const route = (path: string, p: number) => ({
    matcher: compilePath(path, 'Prefix', false),
    backend: { key: 'b', namespace: 'ns', service: 'svc', endpoints: [{ host: '127.0.0.1', port: p }] },
    options: { ...defaultRouteOptions, readTimeoutMs, connectTimeoutMs: 1000 },
    ingress: 'ns/ing',
  });
  return { hosts: new Map(), wildcards: new Map(), catchAll: { host: '', routes: [route('/refused', 1), route('/', port)] } };
}

/** Sends raw bytes on one connection and collects what comes back until `done` says so. */
function exchange(port: number, payload: string, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => c.write(payload));
    let text = '';
    const timer = setTimeout(() => {
      c.destroy();
      reject(new Error(`timed out; got ${JSON.stringify(text)}`));
    }, 5000);
    c.on('data', (d) => {
      text += d.toString('latin1');
      if (done(text)) {
        clearTimeout(timer);
        c.destroy();
        resolve(text);
      }
    });
    c.on('end', () => {
      clearTimeout(timer);
      resolve(text);
    });
    c.on('error', reject);
  });
}

describe('raw HTTP/1.1 relay', () => {
  let backend: Awaited<ReturnType<typeof rawBackend>>;
  let proxy: IngressProxy;
  let port: number;

  before(async () => {
    backend = await rawBackend();
    proxy = new IngressProxy({ host: '127.0.0.1', httpPort: 0, httpsPort: 0, tls: new TlsStore(await fakeCertificate()) });
    proxy.setTable(table(backend.port));
    port = (await proxy.listen()).http;
  });

  after(async () => {
    await proxy.close();
    backend.close();
  });

  it('answers pipelined requests in order and reuses one upstream connection', async () => {
    const before = backend.connections();
    const req = (p: string) => `GET ${p} HTTP/1.1\r\nHost: a\r\n\r\n`;
    const text = await exchange(port, req('/one') + req('/two') + req('/three'), (t) => t.includes('GET /three'));
    assert.deepEqual([...text.matchAll(/GET \/(one|two|three)/g)].map((m) => m[0]), ['GET /one', 'GET /two', 'GET /three']);
    assert.equal(backend.connections() - before, 1);
  });

  it('relays chunked bodies with trailers byte for byte', async () => {
    const text = await exchange(port, 'GET /chunked HTTP/1.1\r\nHost: a\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n', (t) => t.includes('GET /after'));
    assert.ok(text.includes('5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nHTTP/1.1 200 OK'), text);
  });

  it('knows HEAD and 204 answers have no body', async () => {
    const text = await exchange(port, 'HEAD /x HTTP/1.1\r\nHost: a\r\n\r\nGET /nocontent HTTP/1.1\r\nHost: a\r\n\r\nGET /last HTTP/1.1\r\nHost: a\r\n\r\n', (t) => t.includes('GET /last'));
    assert.match(text, /^HTTP\/1\.1 200 OK\r\nContent-Length: 99\r\n\r\nHTTP\/1\.1 204 No Content\r\n\r\nHTTP\/1\.1 200 OK/);
  });

  it('passes request bodies and keeps going after them', async () => {
    const text = await exchange(port, 'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nabcdeGET /q HTTP/1.1\r\nHost: a\r\n\r\n', (t) => t.includes('GET /q'));
    assert.match(text, /POST \/p[\s\S]*GET \/q/);
  });

  it('drops upstream connections that close, and relays bodies delimited by close', async () => {
    const text = await exchange(port, 'GET /close HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n', (t) => t.includes('GET /next'));
    assert.match(text, /bye[\s\S]*GET \/next/);
    const eof = await exchange(port, 'GET /eof HTTP/1.1\r\nHost: a\r\n\r\n', () => false);
    assert.match(eof, /Connection: close\r\n\r\nuntil-close$/);
  });

  it('answers 502 when the backend refuses, 504 when it is too slow, and 400 from Node for junk', async () => {
    const refused = await exchange(port, 'GET /refused HTTP/1.1\r\nHost: a\r\n\r\n', (t) => t.endsWith('</html>\r\n'));
    assert.ok(refused.startsWith('HTTP/1.1 502 Bad Gateway\r\n') && refused.endsWith(errorPage(502)), refused);
    proxy.setTable(table(backend.port, 300));
    const slow = await exchange(port, 'GET /slow HTTP/1.1\r\nHost: a\r\n\r\n', (t) => t.endsWith('</html>\r\n'));
    assert.ok(slow.startsWith('HTTP/1.1 504 Gateway Time-out\r\n'), slow);
    proxy.setTable(table(backend.port));
    const junk = await exchange(port, 'GARBAGE\r\n\r\n', () => false);
    assert.match(junk, /^HTTP\/1\.1 400 Bad Request/);
  });
});

describe('ChunkedScanner', () => {
  it('finds the end across arbitrary splits and rejects bad framing', () => {
    const body = Buffer.from('a\r\n0123456789\r\n0\r\n\r\n');
    for (let cut = 1; cut < body.length; cut++) {
      const s = new ChunkedScanner();
      assert.equal(s.feed(body.subarray(0, cut)) + s.feed(Buffer.concat([body.subarray(cut), Buffer.from('NEXT')])), body.length);
      assert.ok(s.done);
    }
    assert.throws(() => new ChunkedScanner().feed(Buffer.from('zz\r\n')));
  });
});
