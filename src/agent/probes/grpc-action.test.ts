import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { NetnsDialer } from '../streaming/netns-dialer.js';
import type { ActionEnv, ActionTarget } from './action-env.js';
import { grpcProbe, healthCheckRequest, parseHealthCheckResponse } from './grpc-action.js';

const env: ActionEnv = { exec: { exec: () => Promise.reject(new Error('no exec here')) }, dialer: new NetnsDialer() };
const target: ActionTarget = { container: { containerId: 'c', podUid: 'u', sandboxId: 's' }, network: { podUid: 'u', sandboxId: 's', netnsPath: '' }, podIP: '127.0.0.1' };
let server: http2.Http2Server;
let port: number;

/** A real HTTP/2 server speaking the gRPC health protocol: service name → serving status. */
before(async () => {
  const statuses: Record<string, number> = { '': 1, db: 2 };
  server = http2.createServer();
  server.on('stream', (stream, headers) => {
    if (headers[':path'] !== '/grpc.health.v1.Health/Check') {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'unknown service' }, { endStream: true });
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('end', () => {
      const body = Buffer.concat(chunks).subarray(5);
      const service = body.length ? body.subarray(2, 2 + body[1]!).toString() : '';
      const status = statuses[service];
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers(status === undefined ? { 'grpc-status': '5', 'grpc-message': 'unknown service' } : { 'grpc-status': '0' }));
      if (status === undefined) return stream.end();
      const msg = Buffer.from([0x08, status]);
      const head = Buffer.alloc(5);
      head.writeUInt32BE(msg.length, 1);
      stream.end(Buffer.concat([head, msg]));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => server.close());

describe('grpc probe', () => {
  it('encodes the request and reads the status', () => {
    assert.deepEqual([...healthCheckRequest('db')], [0, 0, 0, 0, 4, 0x0a, 2, 0x64, 0x62]);
    assert.deepEqual([...healthCheckRequest('')], [0, 0, 0, 0, 0]);
    assert.equal(parseHealthCheckResponse(Buffer.from([0, 0, 0, 0, 2, 0x08, 2])), 2);
  });

  it('SERVING is healthy; NOT_SERVING and errors fail with the kubelet’s words', async () => {
    assert.deepEqual(await grpcProbe(env, target, { port }, 1000), { result: 'success', output: 'service healthy' });
    assert.deepEqual(await grpcProbe(env, target, { port, service: 'db' }, 1000), { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
    assert.equal((await grpcProbe(env, target, { port, service: 'cache' }, 1000)).output, 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service');
  });

  it('a port nobody listens on times out connecting', async () => {
    const s = http2.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const closed = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    assert.equal((await grpcProbe(env, target, { port: closed }, 1000)).output, `timeout: failed to connect service "127.0.0.1:${closed}" within 1s: context deadline exceeded`);
  });
});
