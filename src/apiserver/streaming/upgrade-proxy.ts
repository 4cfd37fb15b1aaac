import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { AgentLocation } from './agent-location.js';

/** The credentials the API server presents to agents, and the CA their serving certs chain to. */
export interface AgentClientTls {
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

/** Request headers not passed to the agent: the client's credentials and hop-by-hop framing. */
const dropped = new Set(['host', 'authorization', 'proxy-authorization', 'cookie', 'transfer-encoding', 'keep-alive']);

/**
 * Opens a TLS connection to an agent: the agent's certificate must chain to the cluster CA
 * and name the address or the node; the API server authenticates with its client cert.
 */
export function dialAgent(location: AgentLocation, creds: AgentClientTls, timeoutMs = 10_000): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: location.host,
      port: location.port,
      ca: creds.caCertPem,
      cert: creds.certPem,
      key: creds.keyPem,
      ...(isIP(location.host) ? {} : { servername: location.host }),
      checkServerIdentity: (_host, cert) => {
        const byAddress = tls.checkServerIdentity(location.host, cert);
        return byAddress && tls.checkServerIdentity(location.nodeName, cert) ? byAddress : undefined;
      },
    });
    const timer = setTimeout(() => socket.destroy(new Error(`dial tcp ${location.host}:${location.port}: i/o timeout`)), timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The request line and headers to replay to the agent for `path`. */
export function replayHead(req: IncomingMessage, path: string, location: AgentLocation): string {
  const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${isIP(location.host) === 6 ? `[${location.host}]` : location.host}:${location.port}`];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (dropped.has(lower) || lower.startsWith('impersonate-')) continue;
    lines.push(`${name}: ${raw[i + 1]}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Replays an upgrade request on an agent connection and joins the two sockets: the agent's
 * answer (101 and the protocol that follows, or an error response) flows back untouched,
 * as Kubernetes' upgrade-aware proxy does.
 */
export function spliceUpgrade(req: IncomingMessage, client: Duplex, head: Buffer, agent: tls.TLSSocket, path: string, location: AgentLocation): void {
  agent.write(replayHead(req, path, location));
  if (head.length) agent.write(head);
  const closeBoth = (): void => {
    client.destroy();
    agent.destroy();
  };
  client.on('error', closeBoth);
  agent.on('error', closeBoth);
  client.on('close', () => agent.destroy());
  agent.on('close', () => client.destroy());
  if ('setNoDelay' in client && typeof (client as { setNoDelay?: unknown }).setNoDelay === 'function') (client as tls.TLSSocket).setNoDelay(true);
  agent.pipe(client);
  client.pipe(agent);
}
