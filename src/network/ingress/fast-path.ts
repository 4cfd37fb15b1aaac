import { randomUUID } from 'node:crypto';
import type net from 'node:net';
import type { Endpoint } from './backends.js';
import { ChunkedScanner } from './chunked-scanner.js';
import { rawPage } from './error-pages.js';
import { connectionHas, has, headEnd, type MessageHead, parseHead, single } from './http1-head.js';
import { pickEndpoint } from './http-proxy.js';
import type { Route } from './route-table.js';
import type { UpstreamPool } from './upstream-pool.js';

/** What the proxy does with a request (decided from host and target only). */
export type Decision =
  | { kind: 'proxy'; route: Route; path: string }
  | { kind: 'redirect'; status: 302 | 308; location: string }
  | { kind: 'page'; status: 404 | 503 };

export interface FastPathHost {
  scheme: 'http' | 'https';
  /** The listening port (X-Forwarded-Port). */
  port(): number;
  decide(rawHost: string, target: string, scheme: 'http' | 'https'): Decision;
  pool: UpstreamPool;
  /** Gives the connection (with bytes already read) to Node's HTTP server for the cases the fast path leaves alone. */
  handOff(socket: net.Socket, pending: Buffer): void;
}

/** Request headers the proxy replaces or never passes on. */
const dropRequest = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'proxy', 'proxy-authorization',
  'x-real-ip', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto', 'x-forwarded-scheme', 'x-scheme', 'x-original-forwarded-for',
]);
const dropResponse = new Set(['connection', 'keep-alive', 'proxy-connection']);
const clientIdleMs = 75_000;
const maxPendingBytes = 1 << 20;

class ConnectTimeout extends Error {}

type Framing = { kind: 'none' } | { kind: 'length'; remaining: number } | { kind: 'chunked'; scanner: ChunkedScanner } | { kind: 'close' };

function tokens(head: MessageHead, name: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < head.names.length; i++) if (head.names[i] === name) for (const t of head.values[i]!.toLowerCase().split(',')) if (t.trim()) out.add(t.trim());
  return out;
}

function clientIP(socket: net.Socket): string {
  const a = socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/**
 * Serves one client connection by relaying HTTP/1.1 bytes: only the heads are parsed
 * and rewritten; bodies (fixed-length or chunked, both ways) pass through unchanged, and
 * the end of each response is found from its framing so both connections stay alive.
 * Anything unusual — another HTTP version, Upgrade, Expect, a chunked request, a malformed
 * or oversized head — goes to Node's HTTP server instead, which answers it with the same
 * routing. This keeps the common path to one parse per head.
 */
export function serveConnection(client: net.Socket, host: FastPathHost): void {
  let buf: Buffer = Buffer.alloc(0);
  let busy = false;
  let handedOff = false;
  /** Request body bytes still to pass upstream. */
  let bodyLeft = 0;
  let upstream: net.Socket | undefined;
  /** Set once the client connection is being ended: later bytes are ignored. */
  let closing = false;
  const endClient = () => {
    closing = true;
    client.end();
  };
  const scheme = host.scheme;
  client.setNoDelay(true);
  client.setTimeout(clientIdleMs, () => {
    if (!busy) client.destroy();
  });
  client.on('error', () => client.destroy());
  client.on('close', () => upstream?.destroy());

  const onData = (d: Buffer) => {
    if (closing) return;
    if (busy && bodyLeft > 0 && upstream) {
      const n = Math.min(bodyLeft, d.length);
      bodyLeft -= n;
      if (!upstream.write(n === d.length ? d : d.subarray(0, n))) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
      if (n === d.length) return;
      d = d.subarray(n);
    }
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    if (busy) {
      if (buf.length > maxPendingBytes) client.pause();
      return;
    }
    next();
  };
  client.on('data', onData);

  const handOff = () => {
    handedOff = true;
    client.off('data', onData);
    client.removeAllListeners('timeout');
    client.setTimeout(0);
    const pending = buf;
    buf = Buffer.alloc(0);
    host.handOff(client, pending);
  };

  function next(): void {
    while (!busy && !handedOff && !client.destroyed) {
      const end = headEnd(buf);
      if (end === -1) return;
      if (end === -2) return handOff();
      const head = parseHead(buf.subarray(0, end).toString('latin1'));
      if (!head) return handOff();
      const [method, target, version, extra] = head.startLine.split(' ');
      if (!method || !target || version !== 'HTTP/1.1' || extra !== undefined || target[0] !== '/') return handOff();
      if (has(head, 'transfer-encoding') || has(head, 'upgrade') || has(head, 'expect')) return handOff();
      const cl = single(head, 'content-length');
      const rawHost = single(head, 'host');
      if (cl === null || (cl !== undefined && !/^\d{1,15}$/.test(cl)) || !rawHost) return handOff();
      const bodyLen = cl === undefined ? 0 : Number(cl);
      const decision = host.decide(rawHost, target, scheme);
      if (decision.kind !== 'proxy' && bodyLen > 0) return handOff();
      buf = buf.subarray(end + 4);
      const wantClose = connectionHas(head, 'close');
      if (decision.kind === 'page' || decision.kind === 'redirect') {
        const location = decision.kind === 'redirect' ? decision.location : undefined;
        client.write(rawPage(decision.status, { location, close: wantClose }));
        if (wantClose) return endClient();
        continue;
      }
      busy = true;
      forward(method, head, decision.route, decision.path, bodyLen, wantClose);
    }
  }

  function upstreamHead(method: string, head: MessageHead, path: string): Buffer {
    const named = tokens(head, 'connection');
    let out = `${method} ${path} HTTP/1.1\r\n`;
    let hasRequestId = false;
    let originalFor: string | undefined;
    for (let i = 0; i < head.names.length; i++) {
      const n = head.names[i]!;
      if (n === 'x-forwarded-for') originalFor = originalFor === undefined ? head.values[i] : `${originalFor}, ${head.values[i]}`;
      if (dropRequest.has(n) || named.has(n)) continue;
      if (n === 'x-request-id') hasRequestId = true;
      out += `${head.lines[i]}\r\n`;
    }
    const ip = clientIP(client);
    const port = host.port();
    if (!hasRequestId) out += `X-Request-ID: ${randomUUID().replaceAll('-', '')}\r\n`;
    out += `X-Real-IP: ${ip}\r\nX-Forwarded-For: ${ip}\r\nX-Forwarded-Host: ${single(head, 'host') ?? ''}\r\nX-Forwarded-Port: ${port}\r\nX-Forwarded-Proto: ${scheme}\r\nX-Forwarded-Scheme: ${scheme}\r\nX-Scheme: ${scheme}\r\n`;
    if (originalFor !== undefined) out += `X-Original-Forwarded-For: ${originalFor}\r\n`;
    return Buffer.from(`${out}\r\n`, 'latin1');
  }

  function forward(method: string, head: MessageHead, route: Route, path: string, bodyLen: number, wantCloseIn: boolean): void {
    const reqHead = upstreamHead(method, head, path);
    const firstBody = buf.subarray(0, Math.min(bodyLen, buf.length));
    buf = buf.subarray(firstBody.length);
    bodyLeft = bodyLen - firstBody.length;
    let wantClose = wantCloseIn;
    const o = route.options;

    const attempt = (tryNo: number): void => {
      const ep: Endpoint | undefined = pickEndpoint(route, tryNo);
      if (!ep) return finishWithPage(503);
      const { socket: up, reused } = host.pool.acquire(ep);
      upstream = up;
      let gotBytes = false;
      let finished = false;
      let rbuf: Buffer = Buffer.alloc(0);
      let framing: Framing | undefined;
      let reusable = true;
      let connectTimer: NodeJS.Timeout | undefined;
      if (!reused) {
        connectTimer = setTimeout(() => up.destroy(new ConnectTimeout()), o.connectTimeoutMs);
        up.once('connect', () => clearTimeout(connectTimer));
      }
      up.setTimeout(o.readTimeoutMs, () => {
        if (!gotBytes) return fail(new ConnectTimeout(), true);
        up.destroy();
        client.destroy();
      });

      const done = (reusable: boolean) => {
        finished = true;
        clearTimeout(connectTimer);
        up.off('data', onUp);
        up.off('error', onErr);
        up.off('close', onClose);
        up.setTimeout(0);
        upstream = undefined;
        if (reusable && bodyLeft === 0) host.pool.release(ep, up);
        else {
          up.destroy();
          // The rest of an unsent request body would be read as the next request.
          if (bodyLeft > 0) wantClose = true;
        }
        busy = false;
        if (wantClose) return endClient();
        if (client.isPaused()) client.resume();
        next();
      };

      const fail = (err: Error & { code?: string }, timeout = false) => {
        if (finished) return;
        finished = true;
        clearTimeout(connectTimer);
        up.off('data', onUp);
        up.off('close', onClose);
        up.destroy();
        upstream = undefined;
        if (gotBytes) return void client.destroy();
        const connectFailure = err instanceof ConnectTimeout || ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT'].includes(err.code ?? '');
        const staleReuse = reused && ['ECONNRESET', 'EPIPE', 'EUPSTREAMCLOSED'].includes(err.code ?? '');
        const retry = bodyLen === 0 && (staleReuse || (connectFailure && tryNo + 1 < Math.min(3, route.backend.endpoints.length)));
        if (retry) return attempt(staleReuse ? tryNo : tryNo + 1);
        finishWithPage(timeout || err instanceof ConnectTimeout ? 504 : 502);
      };

      const onErr = (err: Error) => fail(err);
      const onClose = () => {
        if (finished) return;
        if (framing?.kind === 'close') return done(false);
        fail(Object.assign(new Error('upstream closed'), { code: 'EUPSTREAMCLOSED' }));
      };

      const relay = (chunk: Buffer): void => {
        if (chunk.length === 0 || !framing) return;
        let n = chunk.length;
        if (framing.kind === 'length') n = Math.min(n, framing.remaining);
        else if (framing.kind === 'chunked') n = framing.scanner.feed(chunk);
        else if (framing.kind === 'none') n = 0;
        if (n > 0 && !client.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          up.pause();
          client.once('drain', () => up.resume());
        }
        if (framing.kind === 'length') framing.remaining -= n;
        const complete = framing.kind === 'none' || (framing.kind === 'length' && framing.remaining === 0) || (framing.kind === 'chunked' && framing.scanner.done);
        // Bytes past the end of a response mean the backend broke framing: do not reuse it.
        if (complete) done(reusable && n === chunk.length);
      };

      const onUp = (d: Buffer) => {
        gotBytes = true;
        if (framing) {
          try {
            return relay(d);
          } catch {
            return fail(new Error('bad chunked framing'));
          }
        }
        rbuf = rbuf.length ? Buffer.concat([rbuf, d]) : d;
        for (;;) {
          const end = headEnd(rbuf);
          if (end === -1) return;
          const rhead = end >= 0 ? parseHead(rbuf.subarray(0, end).toString('latin1')) : undefined;
          const status = Number(rhead?.startLine.split(' ')[1]);
          if (!rhead || !(status >= 100 && status < 600) || status === 101) {
            gotBytes = false;
            return fail(new Error('bad upstream response'));
          }
          const rest = rbuf.subarray(end + 4);
          if (status < 200) {
            // Interim responses (103 Early Hints …) are not relayed.
            rbuf = rest;
            continue;
          }
          const te = tokens(rhead, 'transfer-encoding');
          const len = single(rhead, 'content-length');
          if (method === 'HEAD' || status === 204 || status === 304) framing = { kind: 'none' };
          else if (te.has('chunked')) framing = { kind: 'chunked', scanner: new ChunkedScanner() };
          else if (te.size === 0 && typeof len === 'string' && /^\d{1,15}$/.test(len)) framing = { kind: 'length', remaining: Number(len) };
          else framing = { kind: 'close' };
          const upstreamCloses = connectionHas(rhead, 'close');
          if (framing.kind === 'close') wantClose = true;
          // Head and first body bytes leave in one write (one syscall, one packet).
          client.cork();
          if (!wantClose && !rhead.names.some((n) => dropResponse.has(n)) && !(framing.kind === 'chunked' && has(rhead, 'content-length'))) {
            // Nothing to change: relay the head bytes as received.
            client.write(rbuf.subarray(0, end + 4));
          } else {
            const named = tokens(rhead, 'connection');
            let out = `${rhead.startLine}\r\n`;
            for (let i = 0; i < rhead.names.length; i++) {
              const n = rhead.names[i]!;
              if (dropResponse.has(n) || named.has(n) || (n === 'content-length' && framing.kind === 'chunked')) continue;
              out += `${rhead.lines[i]}\r\n`;
            }
            if (wantClose) out += 'Connection: close\r\n';
            client.write(Buffer.from(`${out}\r\n`, 'latin1'));
          }
          // A backend that announced close is not reused after this response.
          if (upstreamCloses) reusable = false;
          try {
            if (framing.kind === 'none' || (framing.kind === 'length' && framing.remaining === 0)) {
              client.uncork();
              return done(reusable && rest.length === 0);
            }
            relay(rest);
            client.uncork();
          } catch {
            client.uncork();
            fail(new Error('bad chunked framing'));
          }
          return;
        }
      };

      up.on('data', onUp);
      up.on('error', onErr);
      up.on('close', onClose);
      if (firstBody.length) {
        up.cork();
        up.write(reqHead);
        up.write(firstBody);
        up.uncork();
      } else up.write(reqHead);
    };

    const finishWithPage = (status: number) => {
      busy = false;
      bodyLeft > 0 && (wantClose = true);
      client.write(rawPage(status, { close: wantClose }));
      if (wantClose) return endClient();
      next();
    };

    attempt(0);
  }
}
