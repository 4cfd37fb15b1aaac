// Helpers shared by the PKI tests: real openssl, real kubectl, a real HTTPS server.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

/** A fresh temporary directory and a function that removes it. */
export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `k8ts-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Runs a program without blocking the event loop (a test server in this process must keep
 * answering while kubectl talks to it). Rejects with stderr in the message on failure.
 */
export function run(file: string, args: readonly string[], options: { cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: options.cwd, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed (${String(err.code)}): ${stderr || err.message}`, { cause: err }));
      else resolve(stdout);
    });
  });
}

/** What a test server saw of the client certificate on one request. */
export interface PeerSeen {
  authorized: boolean;
  authorizationError: string | undefined;
  commonName: string | undefined;
  organizations: string[];
}

/**
 * Starts an HTTPS server on 127.0.0.1 (random port) that asks for a client certificate but
 * lets the handler decide, so tests can see *why* a certificate was refused.
 */
export async function startTlsServer(
  tls: { key: string; cert: string; ca: string },
  handle: (peer: PeerSeen, path: string) => { status: number; body: string },
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = https.createServer({ ...tls, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const subject = socket.getPeerCertificate().subject as Record<string, string | string[]> | undefined;
    const field = (name: string): string[] => {
      const value = subject?.[name];
      return value === undefined ? [] : Array.isArray(value) ? value : [value];
    };
    const authError = socket.authorizationError as unknown;
    const peer: PeerSeen = {
      authorized: socket.authorized,
      authorizationError: authError === null || authError === undefined ? undefined : String(authError),
      commonName: field('CN')[0],
      organizations: field('O'),
    };
    const { status, body } = handle(peer, req.url ?? '');
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** One GET with a client certificate; resolves with status and body. */
export function httpsGet(
  port: number,
  path: string,
  tls: { ca: string; cert?: string; key?: string; servername?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path, agent: false, ...tls }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}
