import http from 'node:http';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { actionHost, dialErrorText, dialWithin, joinHostPort, maxProbeOutput, probeUserAgent, type ActionEnv, type ActionTarget, type ProbeOutcome } from './action-env.js';
import { resolvePort, type HttpGetAction, type ProbedContainer } from './probe-spec.js';

const maxRedirects = 10;

/** The URL an httpGet action requests (Go's url form, as probe messages print it). */
export function httpGetUrl(action: HttpGetAction, c: Pick<ProbedContainer, 'ports'>, target: ActionTarget): URL {
  const scheme = (action.scheme ?? 'HTTP').toLowerCase();
  const host = actionHost(action.host, target);
  const path = action.path ?? '';
  return new URL(`${scheme}://${joinHostPort(host, resolvePort(action.port, c))}${path.startsWith('/') || path === '' ? path : `/${path}`}`);
}

/** The request headers of a probe: the action's own, then User-Agent and Accept unless it set them. */
function headersOf(action: HttpGetAction, url: URL): Record<string, string | string[]> {
  const h: Record<string, string[]> = {};
  for (const { name, value } of action.httpHeaders ?? []) (h[name] ??= []).push(value);
  const has = (n: string) => Object.keys(h).find((k) => k.toLowerCase() === n);
  if (!has('user-agent')) h['User-Agent'] = [probeUserAgent];
  if (!has('accept')) h.Accept = ['*/*'];
  const hostKey = has('host');
  // Host is one value (Go uses the first); the rest may repeat.
  const host = hostKey ? h[hostKey]![0]! : url.host;
  if (hostKey) delete h[hostKey];
  return { ...h, Host: host, Connection: 'close' };
}

interface Response {
  status: number;
  location?: string;
  body: string;
}

function requestOver(socket: Duplex, url: URL, headers: Record<string, string | string[]>, insecureTls: boolean): Promise<Response> {
  const conn: Duplex = url.protocol === 'https:' ? tls.connect({ socket: socket as never, rejectUnauthorized: !insecureTls, servername: url.hostname.match(/^[\d.]+$|:/) ? undefined : url.hostname }) : socket;
  return new Promise((resolve, reject) => {
    const req = http.request({ method: 'GET', path: `${url.pathname}${url.search}`, headers, createConnection: () => conn as never }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        if (size < maxProbeOutput) chunks.push(d.subarray(0, maxProbeOutput - size));
        size += d.length;
        if (size >= maxProbeOutput) res.destroy();
      });
      const done = () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).toString('utf8') });
      res.once('end', done);
      res.once('close', done);
      res.once('error', done);
    });
    req.once('error', reject);
    req.end();
  });
}

/**
 * An httpGet probe as the kubelet runs it: GET from the node into the pod's network (here:
 * dialed inside the pod's network namespace), HTTPS without certificate checks, redirects
 * followed on the same host (up to 10), 2xx success, 3xx success with a warning, anything
 * else failure; errors and the timeout are failures with Go's messages.
 *
 * @example
 * await httpGetProbe(env, target, { path: '/healthz', port: 8080 }, container, 1000);
 * // { result: 'failure', output: 'HTTP probe failed with statuscode: 500' }
 */
export async function httpGetProbe(env: ActionEnv, target: ActionTarget, action: HttpGetAction, c: Pick<ProbedContainer, 'ports'>, timeoutMs: number): Promise<ProbeOutcome> {
  let url = httpGetUrl(action, c, target);
  const first = url;
  const deadline = Date.now() + timeoutMs;
  const sockets: Duplex[] = [];
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('deadline')), timeoutMs);
  });
  try {
    for (let hop = 0; ; hop++) {
      const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      let socket: Duplex;
      try {
        socket = await Promise.race([dialWithin(env, target, port, host, Math.max(1, deadline - Date.now())), expired]);
      } catch (err) {
        if ((err as Error).message === 'deadline') throw err;
        return { result: 'failure', output: `Get "${url.href}": ${dialErrorText(joinHostPort(host, port), err)}` };
      }
      sockets.push(socket);
      const res = await Promise.race([requestOver(socket, url, headersOf(action, url), true), expired]);
      if (res.status >= 300 && res.status < 400 && res.location && hop < maxRedirects) {
        const next = new URL(res.location, url);
        // Redirects to another host are not followed: the kubelet reports them as a warning.
        if (next.hostname === first.hostname && (next.protocol === 'http:' || next.protocol === 'https:')) {
          url = next;
          continue;
        }
      }
      const httpStatus = res.status;
      if (res.status >= 200 && res.status < 400) {
        if (res.status >= 300) return { result: 'warning', output: `Probe terminated redirects, Response body: ${res.body}`, httpStatus };
        return { result: 'success', output: res.body, httpStatus };
      }
      return { result: 'failure', output: `HTTP probe failed with statuscode: ${res.status}`, httpStatus };
    }
  } catch (err) {
    if ((err as Error).message === 'deadline') return { result: 'failure', output: `Get "${url.href}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` };
    return { result: 'failure', output: `Get "${url.href}": ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    clearTimeout(timer);
    for (const s of sockets) s.destroy();
  }
}
