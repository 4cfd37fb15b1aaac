import { join } from 'node:path';
import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../util/log.js';
import { labels } from '../pods/container-labels.js';
import type { PodPaths } from '../pods/pod-paths.js';
import type { CgroupLayout } from '../runtime/cgroups.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { readFsUsage, readNodeUsage, readProcessUsage } from '../stats/node-usage.js';
import type { SummaryProvider } from '../stats/summary.js';
import { diskUsage, emptyDirLimitViolation } from '../volumes/empty-dir-usage.js';
import { EvictionManager, type EvictionManagerDeps } from './eviction-manager.js';
import { limitsEphemeralStorage } from './local-storage.js';
import type { PodUsage } from './ranking.js';
import type { NodeReadings } from './signals.js';
import type { EvictionThreshold } from './thresholds.js';

export interface NodeEvictionOptions {
  nodeName: string;
  thresholds: EvictionThreshold[];
  transitionPeriodMs: number;
  layout: CgroupLayout;
  /** The agent's data dir: its filesystem is nodefs and imagefs. */
  dataDir: string;
  paths: PodPaths;
  runtime: ContainerRuntime;
  summary: SummaryProvider;
  pods: { list(): KubeObject[]; evict(uid: string, message: string): void };
  event: EvictionManagerDeps['event'];
  log: Logger;
  /** Replaces the real node readings (tests). */
  readings?: () => Promise<NodeReadings>;
}

/** The node's real readings: memory from cgroups or /proc/meminfo, the data dir's filesystem, process counts. */
export function realReadings(layout: CgroupLayout, dataDir: string): NodeReadings {
  const node = readNodeUsage(layout);
  const fs = readFsUsage(dataDir);
  const pids = readProcessUsage();
  return {
    ...(node.workingSetBytes !== undefined ? { memory: { capacityBytes: node.memoryCapacityBytes, workingSetBytes: node.workingSetBytes } } : {}),
    ...(fs ? { nodefs: fs } : {}),
    pids,
  };
}

function active(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/**
 * The eviction manager wired to the agent: readings from the node, pod memory from the
 * stats summary, ephemeral storage (writable layer + logs) measured with `du` for pods with
 * ephemeral-storage limits (all pods under disk pressure), evictions through the pod workers.
 *
 * @example
 * const eviction = nodeEvictionManager({ nodeName, thresholds, transitionPeriodMs, layout, dataDir, paths, runtime, summary, pods, event, log });
 * eviction.start(10_000);
 */
export function nodeEvictionManager(o: NodeEvictionOptions): EvictionManager {
  const podUsage = async (withDisk: boolean): Promise<PodUsage[]> => {
    const summary = await o.summary.summary();
    const stats = new Map(summary.pods.map((p) => [p.podRef.uid, p]));
    const containers = await o.runtime.list();
    const out: PodUsage[] = [];
    for (const pod of o.pods.list().filter(active)) {
      const uid = pod.metadata.uid!;
      const s = stats.get(uid);
      const u: PodUsage = { pod, containers: new Map(), processes: s?.process_stats?.process_count };
      for (const c of s?.containers ?? []) u.containers.set(c.name, { memory: c.memory.workingSetBytes });
      if (withDisk || limitsEphemeralStorage(pod)) {
        for (const c of containers) {
          if (c.labels[labels.podUid] !== uid || c.state.phase !== 'running') continue;
          const name = c.labels[labels.containerName] ?? c.name;
          const bytes = (await diskUsage(join(o.paths.podsDir, uid, 'containers', c.id, 'upper'))) + (await diskUsage(join(o.paths.podLogDir(pod), name)));
          u.containers.set(name, { ...(u.containers.get(name) ?? {}), ephemeral: bytes });
        }
      }
      out.push(u);
    }
    return out;
  };
  return new EvictionManager({
    thresholds: o.thresholds,
    transitionPeriodMs: o.transitionPeriodMs,
    readings: o.readings ?? (async () => realReadings(o.layout, o.dataDir)),
    podUsage,
    volumeViolation: (pod) => emptyDirLimitViolation(o.paths.podsDir, pod),
    evict: async (pod, message) => o.pods.evict(pod.metadata.uid!, message),
    event: o.event,
    nodeName: o.nodeName,
    log: o.log,
  });
}
