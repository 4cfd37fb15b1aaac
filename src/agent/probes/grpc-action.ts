import http2 from 'node:http2';
import type { Duplex } from 'node:stream';
import { goDuration } from '../pods/backoff.js';
import { actionHost, dialWithin, joinHostPort, probeUserAgent, type ActionEnv, type ActionTarget, type ProbeOutcome } from './action-env.js';
import type { GrpcAction } from './probe-spec.js';

/** grpc.health.v1.HealthCheckResponse.ServingStatus names by number. */
const servingStatus = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
/** gRPC status code names (as Go's codes.Code prints them). */
const codeNames = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

/** A length-prefixed gRPC message holding HealthCheckRequest{service} (field 1, a string). */
export function healthCheckRequest(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  const body = name.length ? Buffer.concat([Buffer.from([0x0a]), varint(name.length), name]) : Buffer.alloc(0);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

/** The status field (1, varint) of the first gRPC message in a response body; 0 when absent. */
export function parseHealthCheckResponse(data: Buffer): number {
  if (data.length < 5) return 0;
  const len = data.readUInt32BE(1);
  const msg = data.subarray(5, 5 + len);
  let i = 0;
  while (i < msg.length) {
    const key = msg[i++]!;
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = msg[i++] ?? 0;
      value |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80) || i >= msg.length) break;
    }
    if (key === 0x08) return value;
    if ((key & 7) === 2) i += value; // skip unknown length-delimited fields
  }
  return 0;
}

type RpcResult = { status: number; message: string; body: Buffer };

function check(socket: Duplex, authority: string, service: string): Promise<RpcResult> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://${authority}`, { createConnection: () => socket as never });
    session.once('error', reject);
    const req = session.request({
      ':method': 'POST',
      ':path': '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': probeUserAgent,
    });
    const chunks: Buffer[] = [];
    let headerStatus: string | undefined;
    let headerMessage: string | undefined;
    req.on('response', (h) => {
      headerStatus = h['grpc-status'] as string | undefined;
      headerMessage = h['grpc-message'] as string | undefined;
    });
    let trailers: http2.IncomingHttpHeaders = {};
    req.on('trailers', (t) => (trailers = t));
    req.on('data', (d: Buffer) => chunks.push(d));
    req.once('error', reject);
    req.once('close', () => {
      session.close();
      const status = trailers['grpc-status'] ?? headerStatus;
      if (status === undefined) return reject(new Error('stream closed without a grpc-status'));
      resolve({ status: Number(status), message: decodeURIComponent(String(trailers['grpc-message'] ?? headerMessage ?? '')), body: Buffer.concat(chunks) });
    });
    req.end(healthCheckRequest(service));
  });
}

/**
 * A grpc probe: `grpc.health.v1.Health/Check` over plaintext HTTP/2 (node's http2 on a socket
 * dialed inside the pod's network), healthy only when the answer is SERVING; failures read as
 * the kubelet's.
 *
 * @example
 * await grpcProbe(env, target, { port: 9090 }, 1000); // { result: 'success', output: 'service healthy' }
 */
export async function grpcProbe(env: ActionEnv, target: ActionTarget, action: GrpcAction, timeoutMs: number): Promise<ProbeOutcome> {
  const host = actionHost(undefined, target);
  const addr = joinHostPort(host, action.port);
  const within = goDuration(timeoutMs);
  const started = Date.now();
  let socket: Duplex;
  try {
    socket = await dialWithin(env, target, action.port, host, timeoutMs);
  } catch {
    return { result: 'failure', output: `timeout: failed to connect service "${addr}" within ${within}: context deadline exceeded` };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const rpc = await Promise.race([
      check(socket, addr, action.service ?? ''),
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.max(1, timeoutMs - (Date.now() - started))))),
    ]);
    if (rpc === 'timeout') return { result: 'failure', output: `timeout: health rpc did not complete within ${within}` };
    if (rpc.status === 12) return { result: 'failure', output: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${rpc.message}` };
    if (rpc.status !== 0) return { result: 'failure', output: `error: health rpc probe failed: rpc error: code = ${codeNames[rpc.status] ?? `Code(${rpc.status})`} desc = ${rpc.message}` };
    const s = parseHealthCheckResponse(rpc.body);
    if (s !== 1) return { result: 'failure', output: `service unhealthy (responded with "${servingStatus[s] ?? String(s)}")` };
    return { result: 'success', output: 'service healthy' };
  } catch (err) {
    return { result: 'failure', output: `error: health rpc probe failed: rpc error: code = Unavailable desc = ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}
