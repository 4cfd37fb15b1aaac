// Test support: "nodes" and "pods" as network namespaces this process creates, with busybox
// httpd servers inside, all removed at the end (and leftovers of dead test processes at start).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostCommands } from '../host/host-commands.js';

const prefix = 'k8ts-tn-';
const host = new HostCommands();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function deadOwner(name: string): boolean {
  const m = /^k8ts-tn-(\d+)-/.exec(name);
  return !!m && Number(m[1]) !== process.pid && !alive(Number(m[1]));
}

/**
 * Removes what test processes that died (killed before their cleanup ran) left behind: their
 * servers (found by namespace), namespaces and temporary folders, all named with their PID.
 */
export async function removeStaleTestNamespaces(): Promise<void> {
  let names: string[] = [];
  try {
    names = readdirSync('/var/run/netns');
  } catch {
    names = [];
  }
  for (const name of names.filter(deadOwner)) {
    const pids = await host.run('ip', ['netns', 'pids', name], { allowFailure: true });
    for (const pid of pids.stdout.split(/\s+/).filter(Boolean).map(Number)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await host.run('ip', ['netns', 'del', name], { allowFailure: true });
  }
  for (const dir of readdirSync(tmpdir()).filter(deadOwner)) rmSync(join(tmpdir(), dir), { recursive: true, force: true });
}

/** Whether this machine can run the network tests (root, ip, nft, CNI plugins, busybox). */
export async function networkTestsSupported(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root';
  for (const [cmd, args] of [['nft', ['--version']], ['ip', ['-V']], ['busybox', ['true']], ['/usr/lib/cni/bridge', ['--version']]] as const) {
    const r = await host.run(cmd, [...args], { allowFailure: true }).catch(() => undefined);
    if (!r) return `${cmd} is not installed`;
  }
  return undefined;
}

export interface HttpServer {
  netns: string;
  port: number;
  process: ChildProcess;
}

/**
 * Creates namespaces and servers for one test file and removes every one of them.
 *
 * @example
 * const fx = await NetnsFixture.create('cni');
 * const node = await fx.netns('node');        // k8ts-tn-<pid>-cni-node
 * after(() => fx.cleanup());
 */
export class NetnsFixture {
  private readonly namespaces: string[] = [];
  private readonly processes: ChildProcess[] = [];
  private linkCount = 0;
  readonly dir: string;

  private constructor(readonly label: string) {
    this.dir = mkdtempSync(join(tmpdir(), `k8ts-tn-${process.pid}-${label}-`));
  }

  static async create(label: string): Promise<NetnsFixture> {
    await removeStaleTestNamespaces();
    return new NetnsFixture(label);
  }

  /** The full name a short namespace name gets. */
  name(short: string): string {
    return `${prefix}${process.pid}-${this.label}-${short}`;
  }

  /** A new namespace with `lo` up; returns its name. */
  async netns(short: string): Promise<string> {
    const name = this.name(short);
    await host.run('ip', ['netns', 'del', name], { allowFailure: true });
    await host.run('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    await host.run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  /** Deletes one of our namespaces now (its processes must be gone). */
  async removeNetns(name: string): Promise<void> {
    await host.run('ip', ['netns', 'del', name], { allowFailure: true });
    const i = this.namespaces.indexOf(name);
    if (i >= 0) this.namespaces.splice(i, 1);
  }

  /** Joins two namespaces with a veth pair carrying the given addresses (a "LAN" between nodes, MTU 1450 like many clouds). */
  async link(a: string, aAddr: string, b: string, bAddr: string, mtu = 1450): Promise<void> {
    const n = this.linkCount++;
    const ifA = `k8tl${process.pid % 10000}a${n}`;
    const ifB = `k8tl${process.pid % 10000}b${n}`;
    await host.run('ip', ['link', 'add', ifA, 'netns', a, 'mtu', String(mtu), 'type', 'veth', 'peer', 'name', ifB, 'netns', b, 'mtu', String(mtu)]);
    await host.run('ip', ['-n', a, 'addr', 'add', aAddr, 'dev', ifA]);
    await host.run('ip', ['-n', b, 'addr', 'add', bAddr, 'dev', ifB]);
    await host.run('ip', ['-n', a, 'link', 'set', ifA, 'up']);
    await host.run('ip', ['-n', b, 'link', 'set', ifB, 'up']);
  }

  /**
   * Starts `busybox httpd` in a namespace serving `body` at `/` and the client's address at
   * `/cgi-bin/remote`; waits until it answers.
   */
  async httpd(netns: string, port: number, body: string): Promise<HttpServer> {
    const root = join(this.dir, `www-${netns}-${port}`);
    mkdirSync(join(root, 'cgi-bin'), { recursive: true });
    writeFileSync(join(root, 'index.html'), body);
    writeFileSync(join(root, 'cgi-bin', 'remote'), '#!/bin/sh\na="${REMOTE_ADDR#[::ffff:}"\nprintf "Content-Type: text/plain\\r\\n\\r\\n%s" "${a%]}"\n', { mode: 0o755 });
    const child = spawn('ip', ['netns', 'exec', netns, 'busybox', 'httpd', '-f', '-p', String(port), '-h', root], { stdio: 'ignore' });
    this.processes.push(child);
    await this.waitFor(async () => (await this.curl(netns, `http://127.0.0.1:${port}/`)).ok);
    return { netns, port, process: child };
  }

  /** Starts a UDP responder (answers every datagram with `body`). */
  async udpEcho(netns: string, port: number, body: string): Promise<void> {
    const script = `const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send(${JSON.stringify(body)},r.port,r.address));s.bind(${port},()=>process.stdout.write('up\\n'));`;
    const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.processes.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`udp responder exited ${code}`)));
    });
  }

  /** One UDP request from a namespace (from `localPort` when given); the answer or undefined on timeout. */
  async udp(netns: string, ip: string, port: number, opts: { localPort?: number; timeoutMs?: number } = {}): Promise<string | undefined> {
    const send = `s.send('hi',${port},${JSON.stringify(ip)})`;
    const script = `const s=require('dgram').createSocket('udp4');setTimeout(()=>process.exit(3),${opts.timeoutMs ?? 2000});s.on('message',(m)=>{process.stdout.write(m);process.exit(0)});s.on('error',()=>process.exit(4));${opts.localPort ? `s.bind(${opts.localPort},()=>${send})` : send};`;
    const r = await host.run('ip', ['netns', 'exec', netns, process.execPath, '-e', script], { allowFailure: true });
    return r.code === 0 ? r.stdout : undefined;
  }

  /** A bare TCP connect from a namespace: 'connected' or the error code (ECONNREFUSED, ETIMEDOUT …). */
  async connect(netns: string, ip: string, port: number, timeoutMs = 2000): Promise<string> {
    const script = `const s=require('net').connect(${port},${JSON.stringify(ip)},()=>{process.stdout.write('connected');process.exit(0)});s.on('error',(e)=>{process.stdout.write(e.code||'error');process.exit(0)});setTimeout(()=>{process.stdout.write('ETIMEDOUT');process.exit(0)},${timeoutMs});`;
    return (await host.run('ip', ['netns', 'exec', netns, process.execPath, '-e', script])).stdout;
  }

  /** One HTTP GET with curl from a namespace (the host when netns is undefined). */
  async curl(netns: string | undefined, url: string, opts: { localPort?: number } = {}): Promise<{ ok: boolean; body: string; exit: number; error: string }> {
    const args = ['-s', '-S', '--max-time', '3', ...(opts.localPort ? ['--local-port', String(opts.localPort)] : []), url];
    const r = netns ? await host.run('ip', ['netns', 'exec', netns, 'curl', ...args], { allowFailure: true }) : await host.run('curl', args, { allowFailure: true });
    return { ok: r.code === 0, body: r.stdout, exit: r.code, error: r.stderr.trim() };
  }

  /** Polls until `check` is true (a condition, never a fixed sleep). */
  async waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await check()) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops our servers, deletes our namespaces (which takes their bridges, veths, routes and nft tables along) and files. */
  async cleanup(): Promise<void> {
    for (const p of this.processes) if (p.exitCode === null && p.pid) p.kill('SIGKILL');
    await Promise.all(this.processes.map((p) => (p.exitCode === null && p.signalCode === null ? new Promise((r) => p.once('exit', r)) : undefined)));
    for (const ns of this.namespaces.reverse()) await host.run('ip', ['netns', 'del', ns], { allowFailure: true });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
