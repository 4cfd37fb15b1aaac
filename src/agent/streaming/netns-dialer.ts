import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { PodNetworkTarget, PodPortDialer } from './contracts.js';

const helperPath = new URL('./netns-connect-helper.js', import.meta.url).pathname;

interface Helper {
  child: ChildProcess;
  ready: Promise<void>;
  pending: Map<number, { resolve: (s: net.Socket) => void; reject: (e: Error) => void; host?: string }>;
  idleTimer?: NodeJS.Timeout;
}

/**
 * Dials TCP ports inside pod network namespaces. Node cannot enter a namespace itself, so
 * per namespace one small helper process runs under `nsenter --net=<path>`; it connects and
 * passes the socket back over IPC, after which the agent reads and writes it directly (a
 * socket stays in the namespace it was created in). Helpers exit after `idleMs` without use
 * and when the namespace's pod is gone.
 *
 * @example
 * const dialer = new NetnsDialer();
 * const socket = await dialer.dial({ podUid, sandboxId, netnsPath: '/var/run/netns/k8ts-…' }, 80);
 */
export class NetnsDialer implements PodPortDialer {
  private readonly helpers = new Map<string, Helper>();
  private nextId = 1;

  constructor(private readonly idleMs = 30_000) {}

  /**
   * Connects to `port` on the pod's loopback, or on `host` (an address inside the pod's
   * namespace, e.g. its pod IP) when given; a failed connect to `host` rejects with the
   * socket error's `code` (ECONNREFUSED …) kept.
   */
  async dial(target: PodNetworkTarget, port: number, host?: string): Promise<net.Socket> {
    // A hostNetwork pod has no namespace of its own: its ports are the node's.
    if (!target.netnsPath) return dialHost(port, host);
    const helper = this.helper(target.netnsPath);
    await helper.ready;
    const id = this.nextId++;
    this.touch(target.netnsPath, helper);
    return new Promise((resolve, reject) => {
      helper.pending.set(id, { resolve, reject, ...(host ? { host } : {}) });
      helper.child.send({ id, port, ...(host ? { host } : {}) }, (err) => {
        if (err) {
          helper.pending.delete(id);
          reject(err);
        }
      });
    });
  }

  private helper(netnsPath: string): Helper {
    const existing = this.helpers.get(netnsPath);
    if (existing && existing.child.exitCode === null && existing.child.connected) return existing;
    const child = spawn('nsenter', [`--net=${netnsPath}`, '--', process.execPath, helperPath], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    // An idle helper must not keep the agent process alive.
    child.unref();
    child.channel?.unref();
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    const helper: Helper = {
      child,
      pending: new Map(),
      ready: new Promise<void>((resolve, reject) => {
        child.once('spawn', () => resolve());
        child.once('error', reject);
      }),
    };
    child.on('message', (msg: { id: number; ok: boolean; error?: string; code?: string }, handle?: net.Socket) => {
      const waiter = helper.pending.get(msg.id);
      if (!waiter) {
        handle?.destroy();
        return;
      }
      helper.pending.delete(msg.id);
      if (msg.ok && handle) waiter.resolve(handle);
      else if (waiter.host) waiter.reject(Object.assign(new Error(msg.error ?? 'no socket'), { code: msg.code }));
      else waiter.reject(new Error(`failed to connect to localhost inside namespace "${netnsPath}": ${msg.error ?? 'no socket'}`));
    });
    child.once('exit', (code) => {
      this.helpers.delete(netnsPath);
      clearTimeout(helper.idleTimer);
      const why = stderr.trim() || `helper exited with ${code}`;
      for (const w of helper.pending.values()) w.reject(new Error(`failed to execute portforward in network namespace "${netnsPath}": ${why}`));
      helper.pending.clear();
    });
    this.helpers.set(netnsPath, helper);
    return helper;
  }

  private touch(netnsPath: string, helper: Helper): void {
    clearTimeout(helper.idleTimer);
    helper.idleTimer = setTimeout(() => {
      if (this.helpers.get(netnsPath) === helper && helper.pending.size === 0) this.stopHelper(netnsPath);
    }, this.idleMs);
    helper.idleTimer.unref();
  }

  private stopHelper(netnsPath: string): void {
    const h = this.helpers.get(netnsPath);
    if (!h) return;
    this.helpers.delete(netnsPath);
    clearTimeout(h.idleTimer);
    if (h.child.connected) h.child.disconnect();
    if (h.child.exitCode === null) h.child.kill();
  }

  /** Stops every helper (agent shutdown); sockets already handed out stay open. */
  close(): void {
    for (const path of [...this.helpers.keys()]) this.stopHelper(path);
  }
}

function dialHost(port: number, host?: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: host ?? '127.0.0.1', port });
    socket.once('connect', () => resolve(socket));
    socket.once('error', (err) => reject(host ? err : new Error(`failed to connect to localhost on the host network: IPv4: ${err.message}`)));
  });
}
