import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../../util/log.js';
import { defaultLogRotation, type LogRotation } from '../logs/cri-log-writer.js';
import type { CgroupLayout } from './cgroups.js';
import { LogPump, launchContainer, makeFifosCommand, processFiles, readExitFile, runtimeError, type LaunchResult, type ProcessFiles } from './container-process.js';
import type { Host } from './command.js';
import { HostExec } from './host-exec.js';
import type {
  ContainerConfig,
  ContainerExit,
  ContainerInfo,
  ContainerRuntime,
  ContainerState,
  ContainerStdioConfig,
  LiveStdio,
  SandboxConfig,
  SandboxStatus,
} from './container-runtime.js';
import { ContainerStdio, makeStdinFifoCommand, stdioFiles } from './container-stdio.js';
import { netnsPath } from './netns.js';
import { OciCli, type OciRuntimeName } from './oci-cli.js';
import { ociSpec } from './oci-spec.js';
import { pidNamespacePath } from './pid-holder.js';
import { oomKills } from './oom.js';
import { mountOverlay, overlayDirsIn, unmount } from './overlay.js';
import { loopbackOnlyNetwork, type PodNetwork } from './pod-network.js';
import { sandboxFileTargets } from './sandbox-files.js';
import { SandboxManager } from './sandbox-manager.js';
import { PodDirs } from './sandbox-store.js';

export interface RuncRuntimeOptions {
  runtime: OciRuntimeName;
  /** The runtime's `--root` (state of k8ts's containers only), e.g. `/run/k8ts/runc`. */
  root: string;
  /** `<agent-data-dir>/pods`: sandboxes and container bundles. */
  stateDir: string;
  cgroups: CgroupLayout;
  network?: PodNetwork;
  logRotation?: LogRotation;
  log?: Logger;
  /** How often running containers are checked for exit (a file watch normally tells first). */
  exitPollMs?: number;
  /** Where host commands run (default: a HostExec helper with its files beside stateDir). */
  host?: Host;
}

/** What `meta.json` in a container's bundle keeps. */
interface ContainerMeta {
  id: string;
  sandboxId: string;
  name: string;
  labels: Record<string, string>;
  createdAt: number;
  logPath: string;
  cgroupsPath: string;
  startedAt?: number;
  pid?: number;
  stdio?: ContainerStdioConfig;
}

interface Tracked {
  meta: ContainerMeta;
  files: ProcessFiles;
  state: ContainerState;
  pump?: LogPump;
  exitWaiters: (() => void)[];
  /** Exit noticed and being processed (once). */
  exiting?: Promise<void>;
  /** Watches the bundle for the shim's exit file. */
  watcher?: FSWatcher;
  /** Live stdio for attach (containers with stdin or a terminal get input too). */
  stdio: ContainerStdio;
}

/**
 * The runc (or crun) runtime: one network namespace per pod, one overlay rootfs and one
 * `runc run` behind a small shim per container, cgroups under the pod's cgroup parent, CRI
 * log files fed from FIFOs. Everything lives under `stateDir` and the runtime's `--root`, so
 * a restarted agent re-adopts running containers with {@link RuncRuntime.init}.
 *
 * @example
 * const rt = new RuncRuntime({ runtime: 'runc', root: '/run/k8ts/runc', stateDir: '/var/lib/k8ts/agent/pods', cgroups: detectCgroupLayout() });
 * await rt.init();
 * const sb = await rt.runSandbox({ podUid, podName: 'web', namespace: 'default', hostname: 'web', hostsFile, dns, cgroupParent });
 * const c = await rt.create(sb.id, { name: 'web', layers: image.layers, args: ['httpd', '-f'], … });
 * await rt.start(c.id);
 */
export class RuncRuntime implements ContainerRuntime {
  readonly name: OciRuntimeName;
  private readonly cli: OciCli;
  private readonly dirs: PodDirs;

  private readonly rotation: LogRotation;
  private readonly containers = new Map<string, Tracked>();
  private readonly sandboxes: SandboxManager;
  private readonly exitHandlers: ((info: ContainerInfo) => void)[] = [];
  private pollTimer?: NodeJS.Timeout;
  private closed = false;
  /** Where host commands run: the runtime's command helper (volumes share it). */
  readonly host: Host;
  private readonly ownHost?: HostExec;

  constructor(private readonly opts: RuncRuntimeOptions) {
    this.name = opts.runtime;
    if (opts.host) this.host = opts.host;
    else this.host = this.ownHost = new HostExec(join(dirname(opts.stateDir), 'exec'));
    this.cli = new OciCli(opts.runtime, opts.root, opts.cgroups.hybrid, this.host);
    this.dirs = new PodDirs(opts.stateDir);
    this.sandboxes = new SandboxManager(this.dirs, opts.cgroups, this.host, opts.network ?? loopbackOnlyNetwork);
    this.rotation = opts.logRotation ?? defaultLogRotation;
  }

  /** Sets the network plugin for sandboxes made from now on (the node's pod range is known only after registration). */
  setNetwork(network: PodNetwork): void {
    this.sandboxes.network = network;
  }

  async version(): Promise<string> {
    return `${this.name}://${await this.cli.version()}`;
  }

  /** Loads sandboxes and containers left by an earlier agent and resumes watching the running ones. */
  async init(): Promise<void> {
    await mkdir(this.opts.stateDir, { recursive: true });
    await mkdir(this.opts.root, { recursive: true });
    for (const uid of await this.dirs.podUids()) {
      await this.sandboxes.load(uid);
      for (const id of await this.dirs.containerIds(uid)) await this.adopt(uid, id);
    }
    this.pollTimer = setInterval(() => void this.pollRunning(), this.opts.exitPollMs ?? 1000);
    this.pollTimer.unref();
  }

  /** Notices the shim's exit file as soon as it is renamed into place. */
  private watchExit(t: Tracked): void {
    try {
      t.watcher = watch(t.files.bundle, (_event, name) => {
        if (name === 'exit') void this.noticeExit(t);
      });
      t.watcher.on('error', () => undefined);
    } catch {
      // The poll finds it.
    }
  }

  private async adopt(uid: string, id: string): Promise<void> {
    const dir = this.dirs.container(uid, id);
    let meta: ContainerMeta;
    try {
      meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as ContainerMeta;
    } catch {
      // A bundle whose create never finished: nothing runs from it.
      await this.cleanBundle(dir);
      return;
    }
    const files = processFiles(dir);
    const t: Tracked = { meta, files, state: { phase: 'created' }, exitWaiters: [], stdio: liveStdio(meta, dir) };
    this.containers.set(id, t);
    const recorded = await readFile(join(dir, 'exit.json'), 'utf8').catch(() => undefined);
    if (recorded) {
      t.state = { phase: 'exited', startedAt: meta.startedAt, exit: JSON.parse(recorded) as ContainerExit };
      return;
    }
    if (!existsSync(files.pidFile) && !existsSync(files.exitFile)) return;
    const st = await this.cli.state(id).catch(() => undefined);
    if (st?.status === 'running' || st?.status === 'paused') {
      t.state = { phase: 'running', pid: st.pid, startedAt: meta.startedAt ?? meta.createdAt };
      t.pump = new LogPump(files, meta.logPath, this.rotation, (stream, chunk) => t.stdio.publish(stream, chunk));
      this.watchExit(t);
      return;
    }
    // Stopped (or gone) while no agent watched: record how it ended.
    t.state = { phase: 'exited', startedAt: meta.startedAt, exit: await this.finishExit(t) };
  }

  private async pollRunning(): Promise<void> {
    for (const t of this.containers.values()) {
      if (t.state.phase !== 'running' || t.exiting) continue;
      if (existsSync(t.files.exitFile)) void this.noticeExit(t);
    }
  }

  onExit(handler: (info: ContainerInfo) => void): void {
    this.exitHandlers.push(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pollTimer);
    for (const t of this.containers.values()) {
      t.pump?.close();
      t.watcher?.close();
    }
    this.ownHost?.close();
  }

  // ---- sandboxes (the SandboxManager's) ----

  runSandbox(config: SandboxConfig): Promise<SandboxStatus> {
    return this.sandboxes.run(config);
  }

  async sandboxStatus(id: string): Promise<SandboxStatus | undefined> {
    return this.sandboxes.get(id)?.status;
  }

  async listSandboxes(): Promise<SandboxStatus[]> {
    return this.sandboxes.list();
  }

  stopSandbox(id: string): Promise<void> {
    return this.sandboxes.stop(id);
  }

  async removeSandbox(id: string): Promise<void> {
    const running = [...this.containers.values()].filter((t) => t.meta.sandboxId === id && t.state.phase === 'running');
    if (running.length) throw new Error(`sandbox ${id} still has running containers: ${running.map((t) => t.meta.name).join(', ')}`);
    for (const t of [...this.containers.values()].filter((c) => c.meta.sandboxId === id)) await this.delete(t.meta.id);
    await this.sandboxes.remove(id);
  }

  // ---- containers ----

  private info(t: Tracked): ContainerInfo {
    const m = t.meta;
    return { id: m.id, sandboxId: m.sandboxId, name: m.name, labels: m.labels, createdAt: m.createdAt, logPath: m.logPath, state: t.state };
  }

  private tracked(id: string): Tracked {
    const t = this.containers.get(id);
    if (!t) throw new Error(`container ${id} not found`);
    return t;
  }

  async create(sandboxId: string, config: ContainerConfig): Promise<ContainerInfo> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb || sb.status.state !== 'ready') throw new Error(`sandbox ${sandboxId} is not ready`);
    const id = randomBytes(32).toString('hex');
    const dir = this.dirs.container(sandboxId, id);
    mkdirSync(dir, { recursive: true });
    const cgroupsPath = `${sb.cgroupParent}/${id}`;
    try {
      // The rootfs and the FIFOs for stdout/stderr (and stdin), in one host command.
      const fifos = [makeFifosCommand(processFiles(dir)), ...(needsStdinFifo(config.stdio) ? [makeStdinFifoCommand(stdioFiles(dir))] : [])].join(' && ');
      await mountOverlay(overlayDirsIn(dir, config.layers), this.host, fifos, { fresh: true });
      const podDir = this.dirs.pod(sandboxId);
      const shared = Object.entries(sandboxFileTargets).map(([file, target]) => ({ hostPath: join(podDir, file), containerPath: target }));
      const spec = ociSpec({
        args: config.args,
        // containerd gives a terminal TERM=xterm.
        env: config.stdio?.tty && !config.env.some((e) => e.startsWith('TERM=')) ? [...config.env, 'TERM=xterm'] : config.env,
        cwd: config.workingDir,
        user: config.user,
        hostname: sb.config.hostname,
        netnsPath: sb.status.netnsPath || undefined,
        pidnsPath: sb.pidHolder ? pidNamespacePath(sb.pidHolder) : undefined,
        ipcnsPath: sb.ipc?.ns,
        shmPath: sb.ipc?.shm,
        hostNetwork: !sb.netnsName,
        cgroupsPath,
        mounts: [...shared, ...config.mounts],
        resources: config.resources,
        security: config.security,
      });
      // A pod's tty: true (runc makes the console; see container-stdio.ts).
      if (config.stdio?.tty) (spec.process as { terminal: boolean }).terminal = true;
      writeFileSync(join(dir, 'config.json'), JSON.stringify(spec));
    } catch (err) {
      await this.cleanBundle(dir);
      throw err;
    }
    const meta: ContainerMeta = { id, sandboxId, name: config.name, labels: config.labels, createdAt: Date.now(), logPath: config.logPath, cgroupsPath, ...(config.stdio ? { stdio: config.stdio } : {}) };
    writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
    const t: Tracked = { meta, files: processFiles(dir), state: { phase: 'created' }, exitWaiters: [], stdio: liveStdio(meta, dir) };
    this.containers.set(id, t);
    return this.info(t);
  }

  async start(id: string): Promise<ContainerInfo> {
    const t = this.tracked(id);
    if (t.state.phase !== 'created') throw new Error(`container ${id} is ${t.state.phase}, not created`);
    let result: LaunchResult;
    try {
      const pump = (): LogPump => (t.pump = new LogPump(t.files, t.meta.logPath, this.rotation, (stream, chunk) => t.stdio.publish(stream, chunk)));
      const stdio = needsStdinFifo(t.meta.stdio) ? { files: stdioFiles(t.files.bundle), tty: t.meta.stdio?.tty ?? false } : undefined;
      result = await launchContainer(this.cli, id, t.files, this.host, pump, stdio);
    } catch (err) {
      result = { kind: 'failed', exitCode: 128, message: err instanceof Error ? err.message : String(err), finishedAt: Date.now() };
    }
    if (result.kind === 'failed') {
      // The process never ran (bad command, bad mount …): the CRI calls this a StartError.
      await this.noticeExit(t);
      const after = t.state as ContainerState;
      throw new ContainerStartError(after.phase === 'exited' ? (after.exit.message ?? result.message) : result.message);
    }
    t.meta.startedAt = result.startedAt;
    t.meta.pid = result.pid;
    this.watchExit(t);
    writeFileSync(join(t.files.bundle, 'meta.json'), JSON.stringify(t.meta));
    // A very short process may already have been noticed as exited.
    const now = t.state as ContainerState;
    if (now.phase === 'created') t.state = { phase: 'running', pid: result.pid, startedAt: result.startedAt };
    else if (now.phase === 'exited') now.startedAt = result.startedAt;
    return this.info(t);
  }

  private noticeExit(t: Tracked): Promise<void> {
    t.watcher?.close();
    t.watcher = undefined;
    t.exiting ??= this.finishExit(t).then((exit) => {
      // The state flips and the handlers run in the same turn: nobody sees one without the other.
      t.state = { phase: 'exited', startedAt: t.meta.startedAt, exit };
      for (const w of t.exitWaiters.splice(0)) w();
      if (!this.closed) for (const h of this.exitHandlers) h(this.info(t));
    });
    return t.exiting;
  }

  /** Records how a container ended: status, OOM, drained logs; frees its cgroup, runtime state and mount. */
  private async finishExit(t: Tracked): Promise<ContainerExit> {
    const exit = await readExitFile(t.files);
    // No pid file: the runtime gave up before the process ran.
    const started = existsSync(t.files.pidFile);
    const oom = started && (await oomKills(this.opts.cgroups, t.meta.cgroupsPath)) > 0;
    await t.pump?.drain(2000);
    t.pump = undefined;
    await this.cli.delete(t.meta.id, true).catch((err) => this.opts.log?.warn({ err, id: t.meta.id }, 'runtime delete failed'));
    await unmount(join(t.files.bundle, 'rootfs'), this.host).catch((err) => this.opts.log?.warn({ err, id: t.meta.id }, 'unmount failed'));
    const finishedAt = exit?.finishedAt ?? Date.now();
    let result: ContainerExit;
    if (!started) {
      const message = (await runtimeError(t.files)) ?? `${this.name} could not start the container (status ${exit?.code ?? 'unknown'})`;
      result = { exitCode: 128, finishedAt, reason: 'StartError', message };
    } else {
      result = { exitCode: exit?.code ?? 255, finishedAt };
      if (oom) result.reason = 'OOMKilled';
    }
    writeFileSync(join(t.files.bundle, 'exit.json'), JSON.stringify(result));
    return result;
  }

  async kill(id: string, signal: Parameters<ContainerRuntime['kill']>[1]): Promise<void> {
    const t = this.tracked(id);
    if (t.state.phase !== 'running') return;
    await this.cli.kill(id, signal);
  }

  /** Resolves true once the container exited, false after `ms`. */
  private waitExit(t: Tracked, ms: number): Promise<boolean> {
    if (t.state.phase === 'exited') return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      t.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  async stop(id: string, graceSeconds: number, signal: 'SIGTERM' | 'SIGINT' | 'SIGQUIT' = 'SIGTERM'): Promise<void> {
    const t = this.tracked(id);
    if (t.state.phase === 'created') {
      await this.cli.delete(id, true);
      t.state = { phase: 'exited', exit: { exitCode: 0, finishedAt: Date.now() } };
      return;
    }
    if (t.state.phase !== 'running') return;
    if (graceSeconds > 0) {
      await this.cli.kill(id, signal);
      if (await this.waitExit(t, graceSeconds * 1000)) return;
    }
    await this.cli.kill(id, 'SIGKILL');
    if (!(await this.waitExit(t, 10_000))) {
      // The shim is gone (agent restarted and the exit poll has not run yet): look now.
      await this.noticeExit(t);
    }
  }

  async delete(id: string): Promise<void> {
    const t = this.containers.get(id);
    if (!t) return;
    if (t.state.phase === 'running') throw new Error(`container ${id} is running`);
    t.pump?.close();
    await this.cli.delete(id, true);
    await this.cleanBundle(t.files.bundle);
    this.containers.delete(id);
  }

  private async cleanBundle(dir: string): Promise<void> {
    await unmount(join(dir, 'rootfs'), this.host).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }

  attachStdio(id: string): { live: LiveStdio; exited: Promise<void> } | undefined {
    const t = this.containers.get(id);
    if (!t || t.state.phase !== 'running') return undefined;
    return { live: t.stdio, exited: new Promise<void>((resolve) => t.exitWaiters.push(resolve)) };
  }

  async state(id: string): Promise<ContainerInfo | undefined> {
    const t = this.containers.get(id);
    return t ? this.info(t) : undefined;
  }

  async list(): Promise<ContainerInfo[]> {
    return [...this.containers.values()].map((t) => this.info(t));
  }

  /** The netns path of a sandbox (exec / port-forward helpers reach the pod through it). */
  netnsPathOf(sandboxId: string): string | undefined {
    const rec = this.sandboxes.get(sandboxId);
    return rec?.netnsName ? netnsPath(rec.netnsName) : undefined;
  }
}

/** Containers with stdin or a terminal get a stdin FIFO (a terminal without input must not read end-of-file). */
function needsStdinFifo(stdio: ContainerStdioConfig | undefined): boolean {
  return !!stdio && (stdio.stdin || stdio.tty);
}

function liveStdio(meta: ContainerMeta, bundle: string): ContainerStdio {
  return new ContainerStdio(meta.stdio ?? { stdin: false, stdinOnce: false, tty: false }, stdioFiles(bundle));
}

/** The container's process could not be started (the runtime's own message). */
export class ContainerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerStartError';
  }
}
