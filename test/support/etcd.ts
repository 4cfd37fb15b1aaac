/**
 * Starts a real single-member etcd (Debian's etcd-server) for tests: loopback-only, free
 * ports, its own temporary data dir. Only the process started here is ever signalled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's path; override with K8TS_ETCD_BIN. */
export const ETCD_BIN = process.env.K8TS_ETCD_BIN ?? '/usr/bin/etcd';

export interface StartEtcdOptions {
  /** Reuse this data dir (e.g. to restart after a crash). It is then left in place on stop. */
  dataDir?: string;
  /** Fixed ports, e.g. the ones a previous run on the same data dir used. */
  clientPort?: number;
  peerPort?: number;
}

export interface EtcdProcess {
  /** `http://127.0.0.1:<port>`, the client URL. */
  endpoint: string;
  dataDir: string;
  clientPort: number;
  peerPort: number;
  pid: number;
  /** SIGTERM, then SIGKILL if it has not exited in 5 s; removes the data dir if it made it. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would; keeps the data dir so a restart can reuse it. */
  crash(): Promise<void>;
}

/** Children still running, killed if this process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts etcd and resolves once it reports healthy.
 *
 * @example
 * const etcd = await startEtcd();
 * try { const store = await openEtcdStore(etcd.endpoint); … } finally { await etcd.stop(); }
 */
export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdProcess> {
  if (!existsSync(ETCD_BIN)) {
    throw new Error(`etcd is not installed at ${ETCD_BIN}; install it with: apt-get install -y etcd-server etcd-client`);
  }
  const fixedPorts = opts.clientPort !== undefined;
  // Free ports are picked by binding and releasing them; another process could take one in
  // between, so a failed start with picked ports is retried with new ones.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (fixedPorts || attempt >= 3) throw err;
    }
  }
}

async function startOnce(opts: StartEtcdOptions): Promise<EtcdProcess> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'k8ts-etcd-'));
  const clientPort = opts.clientPort ?? (await freePort());
  const peerPort = opts.peerPort ?? (await freePort());
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const name = 'k8ts-test';
  const child = spawn(
    ETCD_BIN,
    [
      `--name=${name}`,
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=${name}=${peerUrl}`,
      `--initial-cluster-token=k8ts-${randomBytes(4).toString('hex')}`,
      '--initial-cluster-state=new',
      '--logger=zap',
      '--log-outputs=stderr',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  running.add(child);
  let log = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    log = (log + chunk).slice(-8000); // keep the tail for error messages
  });
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
  });
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;

  const signal = async (sig: NodeJS.Signals, graceMs: number): Promise<void> => {
    if (hasExited()) return;
    child.kill(sig);
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([exit, timer])) === 'timeout') {
      child.kill('SIGKILL');
      await exit;
    }
  };
  const removeDir = () => {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitHealthy(endpoint, hasExited, () => log);
  } catch (err) {
    await signal('SIGKILL', 5000);
    removeDir();
    throw err;
  }
  return {
    endpoint,
    dataDir,
    clientPort,
    peerPort,
    pid: child.pid!,
    stop: async () => {
      await signal('SIGTERM', 5000);
      removeDir();
    },
    crash: () => signal('SIGKILL', 5000),
  };
}

async function waitHealthy(endpoint: string, hasExited: () => boolean, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (hasExited()) throw new Error(`etcd exited during start-up:\n${log()}`);
    try {
      const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { health?: string };
      if (body.health === 'true') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`etcd did not become healthy in 30 s:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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
