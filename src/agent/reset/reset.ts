import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../util/log.js';
import { agentDirs } from '../config.js';
import type { AgentSettingsFile } from '../agent.js';
import { detectCgroupLayout, removeCgroup, removeCgroupIfEmpty } from '../runtime/cgroups.js';
import { deleteNetns, podNetnsName } from '../runtime/netns.js';
import { stopPidHolder } from '../runtime/pid-holder.js';
import { OciCli } from '../runtime/oci-cli.js';
import { unmountAllUnder } from '../runtime/overlay.js';
import { PodDirs } from '../runtime/sandbox-store.js';
import { resetRecordedNodeNetwork } from './reset-network.js';

export interface ResetOptions {
  /** The `--data-dir` of the server or agent (the agent's state is in `<dataDir>/agent`). */
  dataDir: string;
  /** Also delete the data dir itself (datastore, certificates, images). */
  removeData: boolean;
  log?: Logger;
}

export interface ResetReport {
  containers: number;
  mounts: number;
  netns: number;
  cgroups: number;
  /** Whether the node's pod network (bridge, routes, nft tables) was removed. */
  network: boolean;
  removedData: boolean;
}

/** The settings the agent recorded; without them nothing outside the data dir is touched. */
function settingsOf(agentDir: string): AgentSettingsFile | undefined {
  try {
    return JSON.parse(readFileSync(agentDirs(agentDir).settings, 'utf8')) as AgentSettingsFile;
  } catch {
    return undefined;
  }
}

/**
 * Removes everything a k8ts node created on this machine, and nothing else: its containers
 * (through the runtime's k8ts-owned `--root`), the overlay mounts under its data dir, the
 * pods' `k8ts-…` network namespaces and `kubepods` cgroups it recorded, the runtime state
 * dir, and the pod and log folders; with `removeData`, the whole data dir. Run it with
 * k8ts stopped.
 *
 * @example
 * await resetNode({ dataDir: '/var/lib/k8ts', removeData: false });
 */
export async function resetNode(opts: ResetOptions): Promise<ResetReport> {
  const agentDir = join(opts.dataDir, 'agent');
  const settings = settingsOf(agentDir);
  const dirs = agentDirs(agentDir);
  const report: ResetReport = { containers: 0, mounts: 0, netns: 0, cgroups: 0, network: false, removedData: false };
  const layout = detectCgroupLayout();
  const pods = new PodDirs(dirs.pods);
  if (!settings) {
    // No agent ever ran from this data dir: there is nothing of ours outside it.
    return finish(opts, dirs, report);
  }
  const cli = new OciCli(settings.runtime === 'crun' ? 'crun' : 'runc', settings.runtimeRoot, layout.hybrid);

  // Containers: everything in the k8ts-owned runtime root, plus bundles left on disk.
  const ids = new Set<string>();
  if (existsSync(settings.runtimeRoot)) for (const c of await cli.list().catch(() => [])) ids.add(c.id);
  for (const uid of await pods.podUids()) for (const id of await pods.containerIds(uid)) ids.add(id);
  for (const id of ids) {
    await cli.delete(id, true).catch((err) => opts.log?.warn({ err, id }, 'could not delete container'));
    report.containers++;
  }
  // Each container's shim records the exit once its runtime process returns; let them finish
  // before their folders go.
  await waitForShims(pods, 5000);

  report.mounts = (await unmountAllUnder(agentDir)).length;

  const cgroupParents = new Set<string>();
  for (const uid of await pods.podUids()) {
    const sb = await pods.readSandbox(uid);
    // A shared PID namespace's holder process (shareProcessNamespace).
    stopPidHolder(sb?.pidHolder);
    const name = sb ? sb.netnsName : podNetnsName(uid);
    if (name && existsSync(join('/var/run/netns', name))) {
      await deleteNetns(name);
      report.netns++;
    }
    if (sb?.cgroupParent) cgroupParents.add(sb.cgroupParent);
  }
  // The node's network goes once no pod uses it.
  report.network = await resetRecordedNodeNetwork(agentDir, opts.log);
  for (const path of cgroupParents) {
    removeCgroup(layout, path);
    report.cgroups++;
  }
  const root = settings.cgroupRoot.replace(/\/+$/, '');
  for (const tier of ['besteffort', 'burstable', '']) removeCgroupIfEmpty(layout, `${root}/kubepods${tier ? `/${tier}` : ''}`);
  if (root) removeCgroupIfEmpty(layout, root);

  rmSync(settings.runtimeRoot, { recursive: true, force: true });
  return finish(opts, dirs, report);
}

/** Removes the pod and log folders (and with removeData the data dir), unmounting first. */
async function finish(opts: ResetOptions, dirs: ReturnType<typeof agentDirs>, report: ResetReport): Promise<ResetReport> {
  report.mounts += (await unmountAllUnder(opts.dataDir)).length;
  rmSync(dirs.pods, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  rmSync(dirs.logs, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  if (opts.removeData && existsSync(opts.dataDir)) {
    rmSync(opts.dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    report.removedData = true;
  }
  return report;
}

/** Waits until every started container's shim wrote its exit file (or the time is up). */
async function waitForShims(pods: PodDirs, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  const pending = async () => {
    const left: string[] = [];
    for (const uid of await pods.podUids()) {
      for (const id of await pods.containerIds(uid)) {
        const dir = pods.container(uid, id);
        if (existsSync(join(dir, 'pid')) && !existsSync(join(dir, 'exit'))) left.push(dir);
      }
    }
    return left;
  };
  while ((await pending()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/** Whether a directory looks like a k8ts data dir (refuse to wipe anything else). */
export function looksLikeDataDir(dir: string): boolean {
  try {
    const entries = readdirSync(dir);
    return entries.some((e) => ['agent', 'tls', 'db', 'token', 'kubeconfig.yaml'].includes(e));
  } catch {
    return false;
  }
}
