// Redirects as registries use them for blob storage: followed, with Authorization dropped
// when the redirect leaves the host (two loopback servers on different ports).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { httpRequest, HttpTransportError, readBody } from './http-client.js';

let storage: http.Server;
let registry: http.Server;
let storageUrl: string;
let registryUrl: string;
const seen: { url?: string; authorization?: string }[] = [];

const listen = async (s: http.Server) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
};

before(async () => {
  storage = http.createServer((req, res) => {
    seen.push({ url: req.url, authorization: req.headers.authorization });
    res.end('blob bytes');
  });
  registry = http.createServer((req, res) => {
    seen.push({ url: req.url, authorization: req.headers.authorization });
    if (req.url === '/same-host') res.writeHead(307, { Location: '/final' }).end();
    else if (req.url === '/other-host') res.writeHead(307, { Location: `${storageUrl}/blob?sig=1` }).end();
    else if (req.url === '/loop') res.writeHead(302, { Location: '/loop' }).end();
    else res.end('final');
  });
  storageUrl = await listen(storage);
  registryUrl = await listen(registry);
});

after(() => {
  storage.close();
  registry.close();
});

test('redirects keep credentials on the same host and drop them elsewhere', async () => {
  seen.length = 0;
  const same = await httpRequest({ url: `${registryUrl}/same-host`, headers: { Authorization: 'Bearer t' } });
  assert.equal((await readBody(same.body)).toString(), 'final');
  assert.deepEqual(seen.map((s) => s.authorization), ['Bearer t', 'Bearer t']);
  seen.length = 0;
  const other = await httpRequest({ url: `${registryUrl}/other-host`, headers: { Authorization: 'Bearer t' } });
  assert.equal((await readBody(other.body)).toString(), 'blob bytes');
  assert.equal(other.url, `${storageUrl}/blob?sig=1`);
  assert.deepEqual(seen, [{ url: '/other-host', authorization: 'Bearer t' }, { url: '/blob?sig=1', authorization: undefined }]);
});

test('redirect loops and refused connections are transport errors', async () => {
  await assert.rejects(httpRequest({ url: `${registryUrl}/loop` }), (err: unknown) => err instanceof HttpTransportError && err.code === 'ETOOMANYREDIRECTS');
  const closed = http.createServer();
  const url = await listen(closed);
  await new Promise((r) => closed.close(r));
  await assert.rejects(httpRequest({ url }), (err: unknown) => err instanceof HttpTransportError && err.code === 'ECONNREFUSED');
});
