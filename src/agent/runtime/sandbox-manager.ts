import { removeCgroup, removeCgroupIfEmpty, type CgroupLayout } from './cgroups.js';
import type { Host } from './command.js';
import type { SandboxConfig, SandboxStatus } from './container-runtime.js';
import { deleteNetns, ensureNetns, podNetnsName } from './netns.js';
import { ensurePodCgroup } from './pod-cgroup.js';
import { startPidHolder, stopPidHolder } from './pid-holder.js';
import { ensurePodIpc, podIpcPaths, tearDownPodIpc } from './pod-ipc.js';
import type { PodNetwork, PodNetworkRequest } from './pod-network.js';
import { writeSandboxFiles } from './sandbox-files.js';
import type { PodDirs, SandboxRecord } from './sandbox-store.js';

/**
 * Pod sandboxes of the runc runtime: a `k8ts-` network namespace with loopback up (or the
 * host's network), the network plugin's interfaces, the shared hosts/resolv.conf/hostname
 * files, and a record on disk so a restarted agent finds them again.
 */
export class SandboxManager {
  private readonly records = new Map<string, SandboxRecord>();

  constructor(
    private readonly dirs: PodDirs,
    private readonly cgroups: CgroupLayout,
    private readonly host: Host,
    public network: PodNetwork,
  ) {}

  /** Loads a sandbox recorded by an earlier agent. */
  async load(uid: string): Promise<void> {
    const rec = await this.dirs.readSandbox(uid);
    if (rec) this.records.set(uid, rec);
  }

  get(id: string): SandboxRecord | undefined {
    return this.records.get(id);
  }

  list(): SandboxStatus[] {
    return [...this.records.values()].map((r) => r.status);
  }

  private attachment(rec: SandboxRecord): PodNetworkRequest {
    const { podName, namespace, portMappings } = rec.config;
    return { podUID: rec.status.podUid, namespace, name: podName, netnsPath: rec.status.netnsPath, ...(portMappings?.length ? { portMappings } : {}) };
  }

  async run(config: SandboxConfig): Promise<SandboxStatus> {
    const id = config.podUid;
    const dir = this.dirs.pod(id);
    await writeSandboxFiles(dir, config);
    const existing = this.records.get(id);
    if (existing?.status.state === 'ready') return existing.status;
    if (config.podResources) ensurePodCgroup(this.cgroups, config.cgroupParent, config.podResources);
    const netnsName = config.hostNetwork ? '' : podNetnsName(config.podUid);
    const path = config.hostNetwork ? '' : await ensureNetns(netnsName, this.host);
    const rec: SandboxRecord = {
      status: { id, podUid: config.podUid, netnsPath: path, ips: [], createdAt: existing?.status.createdAt ?? Date.now(), state: 'ready' },
      netnsName,
      cgroupParent: config.cgroupParent,
      config: { podName: config.podName, namespace: config.namespace, hostname: config.hostname, portMappings: config.portMappings },
    };
    // Written before the network is set up so a crash in between still lets cleanup find it.
    await this.dirs.writeSandbox(rec);
    if (!config.hostNetwork) rec.status.ips = (await this.network.setUp(this.attachment(rec))).ips;
    if (config.sharePid) rec.pidHolder = await startPidHolder(this.host);
    if (!config.hostIPC) rec.ipc = await ensurePodIpc(this.host, dir);
    await this.dirs.writeSandbox(rec);
    this.records.set(id, rec);
    return rec.status;
  }

  /** Tears down the pod's network (the namespace goes); its exited containers stay readable. */
  async stop(id: string): Promise<void> {
    const rec = this.records.get(id);
    if (!rec || rec.status.state === 'notready') return;
    if (rec.netnsName) {
      await this.network.tearDown(this.attachment(rec));
      await deleteNetns(rec.netnsName, this.host);
    }
    stopPidHolder(rec.pidHolder);
    rec.status.state = 'notready';
    rec.status.ips = [];
    await this.dirs.writeSandbox(rec);
  }

  /** Removes the network, namespace, pod cgroup and pod folder (its containers must be gone). */
  async remove(id: string): Promise<void> {
    const rec = this.records.get(id) ?? (await this.dirs.readSandbox(id));
    if (rec) {
      stopPidHolder(rec.pidHolder);
      await tearDownPodIpc(this.host, rec.ipc);
      if (rec.status.state === 'ready' && rec.netnsName) await this.network.tearDown(this.attachment(rec));
      if (rec.netnsName) await deleteNetns(rec.netnsName, this.host);
      removeCgroup(this.cgroups, rec.cgroupParent);
      // The QoS parents are shared by pods; they go only when empty.
      const parent = rec.cgroupParent.slice(0, rec.cgroupParent.lastIndexOf('/'));
      if (!parent.endsWith('/kubepods')) removeCgroupIfEmpty(this.cgroups, parent);
    } else {
      await deleteNetns(podNetnsName(id), this.host);
      await tearDownPodIpc(this.host, podIpcPaths(this.dirs.pod(id)));
    }
    this.records.delete(id);
    await this.dirs.removePod(id);
  }
}
