import type { KubeObject } from '../../api/types.js';
import { rfc3339 } from '../../util/clock.js';
import { podCgroupPath, type CgroupLayout, type QosClass } from '../runtime/cgroups.js';
import type { ContainerInfo } from '../runtime/container-runtime.js';
import { labels } from '../pods/container-labels.js';
import { readCgroupUsage, type CgroupUsage } from './cgroup-usage.js';
import { CpuRateTracker } from './cpu-rate.js';
import { readFsUsage, readNodeUsage, readProcessUsage, type FsUsage } from './node-usage.js';

/** `cpu` of the kubelet's stats/v1alpha1 summary. */
export interface CpuStats {
  time: string;
  usageNanoCores?: number;
  usageCoreNanoSeconds?: number;
}

/** `memory` of the summary. */
export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes?: number;
  workingSetBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
}

export interface ContainerStats {
  name: string;
  startTime: string;
  cpu: CpuStats;
  memory: MemoryStats;
}

export interface PodStats {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  containers: ContainerStats[];
  cpu: CpuStats;
  memory: MemoryStats;
  process_stats?: { process_count: number };
}

/** The kubelet's `/stats/summary` body (stats/v1alpha1 Summary). */
export interface Summary {
  node: {
    nodeName: string;
    startTime: string;
    cpu: CpuStats;
    memory: MemoryStats;
    fs?: Record<string, unknown>;
    runtime?: { imageFs?: Record<string, unknown> };
    rlimit?: { time: string; maxpid: number; curproc: number };
  };
  pods: PodStats[];
}

/** Where the summary reads from; injectable so tests can feed readings. */
export interface SummarySources {
  nodeName: string;
  layout: CgroupLayout;
  cgroupRoot: string;
  /** The filesystem of the agent's data dir: nodefs and imagefs (one filesystem here). */
  dataDir: string;
  pods(): KubeObject[];
  containers(): Promise<ContainerInfo[]>;
  now?: () => number;
  readCgroup?: (path: string) => CgroupUsage;
}

/** The pod's QoS class as the agent placed its cgroup (BestEffort when the API server gave none). */
export function podQos(pod: KubeObject): QosClass {
  return ((pod.status as { qosClass?: QosClass } | undefined)?.qosClass ?? 'BestEffort') as QosClass;
}

function fsStats(fs: FsUsage | undefined, time: string): Record<string, unknown> | undefined {
  if (!fs) return undefined;
  return { time, availableBytes: fs.availableBytes, capacityBytes: fs.capacityBytes, usedBytes: fs.usedBytes, inodesFree: fs.inodesFree, inodes: fs.inodes, inodesUsed: fs.inodesUsed };
}

/**
 * Builds the kubelet's stats summary from cgroups: the node (root cgroup), each pod (its
 * `kubepods/…/pod<uid>` cgroup) and each running container, with CPU rates over the last
 * few seconds and memory working sets.
 *
 * @example
 * const stats = new SummaryProvider({ nodeName, layout, cgroupRoot: '/', dataDir, pods: () => pods.list(), containers: () => runtime.list() });
 * const summary = await stats.summary(); // summary.pods[0].containers[0].cpu.usageNanoCores
 */
export class SummaryProvider {
  private readonly rates = new CpuRateTracker();

  constructor(private readonly src: SummarySources) {}

  private cpu(key: string, u: CgroupUsage, now: number, since: number, time: string): CpuStats {
    const out: CpuStats = { time };
    if (u.cpuUsageNanos === undefined) return out;
    out.usageCoreNanoSeconds = u.cpuUsageNanos;
    const r = this.rates.rate(key, { at: now, nanos: u.cpuUsageNanos }, since);
    if (r) out.usageNanoCores = r.nanoCores;
    return out;
  }

  private memory(u: CgroupUsage, time: string, capacity?: number): MemoryStats {
    const out: MemoryStats = { time };
    if (capacity !== undefined && u.workingSetBytes !== undefined) out.availableBytes = Math.max(0, capacity - u.workingSetBytes);
    if (u.memoryUsageBytes !== undefined) out.usageBytes = u.memoryUsageBytes;
    if (u.workingSetBytes !== undefined) out.workingSetBytes = u.workingSetBytes;
    if (u.rssBytes !== undefined) out.rssBytes = u.rssBytes;
    if (u.pageFaults !== undefined) out.pageFaults = u.pageFaults;
    if (u.majorPageFaults !== undefined) out.majorPageFaults = u.majorPageFaults;
    return out;
  }

  async summary(): Promise<Summary> {
    const src = this.src;
    const now = src.now?.() ?? Date.now();
    const time = rfc3339(now);
    const readCgroup = src.readCgroup ?? ((p: string) => readCgroupUsage(src.layout, p));
    const node = readNodeUsage(src.layout, now);
    const fs = readFsUsage(src.dataDir);
    const procs = readProcessUsage();
    const keys = new Set<string>(['node']);
    const running = (await src.containers()).filter((c) => c.state.phase === 'running');
    const pods: PodStats[] = [];
    for (const pod of src.pods()) {
      const uid = pod.metadata.uid!;
      const mine = running.filter((c) => c.labels[labels.podUid] === uid);
      const podStatus = (pod.status ?? {}) as { startTime?: string };
      if (!mine.length) continue;
      const cgroup = podCgroupPath(src.cgroupRoot, podQos(pod), uid);
      const podStart = podStatus.startTime ? Date.parse(podStatus.startTime) : Math.min(...mine.map((c) => c.createdAt));
      const containers: ContainerStats[] = mine
        .map((c) => {
          const startedAt = c.state.phase === 'running' ? c.state.startedAt : c.createdAt;
          const u = readCgroup(`${cgroup}/${c.id}`);
          keys.add(c.id);
          return { name: c.labels[labels.containerName] ?? c.name, startTime: rfc3339(startedAt), cpu: this.cpu(c.id, u, now, c.createdAt, time), memory: this.memory(u, time) };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
      const pu = readCgroup(cgroup);
      keys.add(uid);
      pods.push({
        podRef: { name: pod.metadata.name!, namespace: pod.metadata.namespace!, uid },
        startTime: rfc3339(podStart),
        containers,
        cpu: this.cpu(uid, pu, now, podStart, time),
        memory: this.memory(pu, time),
        ...(pu.processes !== undefined ? { process_stats: { process_count: pu.processes } } : {}),
      });
    }
    this.rates.retain(keys);
    const fsOut = fsStats(fs, time);
    return {
      node: {
        nodeName: src.nodeName,
        startTime: rfc3339(node.bootedAt),
        cpu: this.cpu('node', node, now, node.bootedAt, time),
        memory: this.memory(node, time, node.memoryCapacityBytes),
        ...(fsOut ? { fs: fsOut, runtime: { imageFs: fsOut } } : {}),
        rlimit: { time, maxpid: procs.maxpid, curproc: procs.curproc },
      },
      pods,
    };
  }
}
