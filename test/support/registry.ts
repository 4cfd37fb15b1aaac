/**
 * Starts a real OCI registry (Debian's `docker-registry`, distribution 2.8) for tests, on
 * 127.0.0.1 with a temporary storage folder. Optional auth:
 *  - `htpasswd`: Basic auth from a bcrypt htpasswd file (written with `htpasswd -B`);
 *  - `token`: the registry's own `auth.token` mode, backed by a small token server started
 *    here (in this process) that checks Basic credentials and signs ES256 JWTs the registry
 *    verifies against a certificate from `openssl` — Docker Hub's flow, end to end.
 * Only the registry process started here is ever signalled.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's path; override with K8TS_REGISTRY_BIN. */
export const REGISTRY_BIN = process.env.K8TS_REGISTRY_BIN ?? '/usr/bin/docker-registry';

export interface RegistryUser {
  username: string;
  password: string;
}

export interface StartRegistryOptions {
  /** Basic auth with these users. */
  htpasswd?: RegistryUser[];
  /** Bearer-token auth; anonymous tokens may pull when `anonymousPull` is set. */
  token?: { users: RegistryUser[]; anonymousPull?: boolean };
}

export interface TestRegistry {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`, the registry part of image references. */
  host: string;
  storageDir: string;
  pid: number;
  /** The token server, when `token` auth is on: its URL and how many tokens it issued. */
  tokenServer?: { url: string; issued: () => number };
  /** Where a repository's blob data lives in the registry's storage (to damage it on purpose). */
  blobDataPath(digest: string): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * @example
 * const reg = await startRegistry({ htpasswd: [{ username: 'u', password: 'p' }] });
 * try { await pushImage(reg.url, 'app', '1', image, { username: 'u', password: 'p' }); } finally { await reg.stop(); }
 */
export async function startRegistry(opts: StartRegistryOptions = {}): Promise<TestRegistry> {
  if (!existsSync(REGISTRY_BIN)) {
    throw new Error(`docker-registry is not installed at ${REGISTRY_BIN}; install it with: apt-get install -y docker-registry`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

async function startOnce(opts: StartRegistryOptions): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-registry-'));
  const storageDir = join(dir, 'storage');
  const port = await freePort();
  let auth = '';
  let tokenServer: TokenServer | undefined;
  if (opts.htpasswd) {
    const file = join(dir, 'htpasswd');
    writeFileSync(file, opts.htpasswd.map((u) => execFileSync('htpasswd', ['-nbB', u.username, u.password], { encoding: 'utf8' }).trim()).join('\n') + '\n');
    auth = `auth:\n  htpasswd:\n    realm: k8ts-test\n    path: ${file}\n`;
  } else if (opts.token) {
    tokenServer = await startTokenServer(dir, opts.token.users, opts.token.anonymousPull ?? false);
    auth = `auth:\n  token:\n    realm: ${tokenServer.url}/token\n    service: k8ts-test-registry\n    issuer: k8ts-test-issuer\n    rootcertbundle: ${tokenServer.certFile}\n`;
  }
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${storageDir}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
  secret: ${randomBytes(16).toString('hex')}
${auth}`,
  );
  const child = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let log = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => (log = (log + c).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => (running.delete(child), resolve())));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    await tokenServer?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`docker-registry exited during start-up:\n${log}`);
      try {
        const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200 || res.status === 401) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`docker-registry did not answer in 20 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    host: `127.0.0.1:${port}`,
    storageDir,
    pid: child.pid!,
    tokenServer: tokenServer && { url: tokenServer.url, issued: () => tokenServer!.issued },
    blobDataPath: (digest) => {
      const hex = digest.replace(/^sha256:/, '');
      return join(storageDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    },
    stop,
  };
}

interface TokenServer {
  url: string;
  certFile: string;
  issued: number;
  close(): Promise<void>;
}

/**
 * A token server following the distribution token spec: `GET /token?service=&scope=` with
 * optional Basic credentials, answering `{"token", "access_token", "expires_in", "issued_at"}`.
 * The JWT header names the key by its libtrust key ID, which the registry computes from
 * the certificate in `rootcertbundle`.
 */
async function startTokenServer(dir: string, users: RegistryUser[], anonymousPull: boolean): Promise<TokenServer> {
  const keyFile = join(dir, 'token.key');
  const certFile = join(dir, 'token.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=k8ts-test-token', '-days', '2', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  const key = createPrivateKey(readFileSync(keyFile));
  const kid = libtrustKeyId(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  const state = { issued: 0 };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    let subject = '';
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const [name, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      if (!users.some((x) => x.username === name && x.password === rest.join(':'))) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ details: 'incorrect username or password' }));
        return;
      }
      subject = name!;
    }
    const access = u.searchParams
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .map((s) => s.split(':'))
      .filter((p) => p.length >= 3 && p[0] === 'repository')
      .map((p) => ({ type: 'repository', name: p.slice(1, -1).join(':'), actions: subject ? p[p.length - 1]!.split(',') : anonymousPull ? ['pull'] : [] }));
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'k8ts-test-issuer', sub: subject, aud: u.searchParams.get('service') ?? '', exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const signingInput = `${b64({ typ: 'JWT', alg: 'ES256', kid })}.${b64(claims)}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    const token = `${signingInput}.${signature}`;
    state.issued++;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    certFile,
    get issued() {
      return state.issued;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** libtrust's key ID: base32 of the first 240 bits of SHA-256(SPKI DER), in groups of four. */
function libtrustKeyId(spkiDer: Buffer): string {
  const hash = createHash('sha256').update(spkiDer).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of hash) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out.match(/.{4}/g)!.join(':');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
