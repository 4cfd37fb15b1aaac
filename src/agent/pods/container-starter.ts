import { readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../../api/types.js';
import { keyringFromSecrets, lookupKeyring } from '../images/docker-config.js';
import { parseImageRef } from '../images/image-ref.js';
import type { RegistryAuth } from '../images/image-service.js';
import type { ContainerInfo } from '../runtime/container-runtime.js';
import { attemptOf, containersByName } from './container-labels.js';
import { containerConfig, type ContainerSpec } from './container-config.js';
import { ContainerConfigError } from './env.js';
import { ImageNotReady, ImagePulls } from './image-pull.js';
import type { PodSyncDeps } from './pod-sync.js';
import { specOf } from './pod-spec-view.js';
import { podServiceEnv } from './service-env.js';
import { runPostStart } from '../lifecycle/post-start.js';
import type { HookAborts } from '../lifecycle/hook-aborts.js';
import type { ProbedContainer } from '../probes/probe-spec.js';

/** Why a container waits, kept across syncs by `uid/container` (pull and config errors, back-off). */
export type WaitingReasons = Map<string, { reason: string; message?: string }>;

/**
 * Starts one container of a pod the kubelet's way: image (Pulling/Pulled, pull back-off),
 * config (env, command, user; CreateContainerConfigError), create (Created) and start
 * (Started, or Failed with the runtime's message). Failures become the container's waiting
 * reason; old attempts beyond the previous one are removed with their logs.
 */
export class ContainerStarter {
  readonly pulls: ImagePulls;

  constructor(
    private readonly deps: PodSyncDeps,
    private readonly reasons: WaitingReasons,
    private readonly hookAborts?: HookAborts,
  ) {
    this.pulls = new ImagePulls(deps.images, deps.events, deps.clock, (pod, image) => this.pullAuth(pod, image));
  }

  /** Credentials from the pod's imagePullSecrets that match the image's registry, most specific first. */
  private async pullAuth(pod: KubeObject, image: string): Promise<RegistryAuth[]> {
    const refs = ((pod.spec as { imagePullSecrets?: { name?: string }[] })?.imagePullSecrets ?? []).map((r) => r.name).filter((n): n is string => !!n);
    const get = this.deps.envSources.rawSecret;
    if (refs.length === 0 || !get) return [];
    const secrets = (await Promise.all(refs.map((n) => get(pod.metadata.namespace!, n).catch(() => undefined)))).filter((x) => x !== undefined);
    return lookupKeyring(keyringFromSecrets(secrets), parseImageRef(image).name);
  }

  /** Image, config, create, start — each failure becomes the container's waiting reason and an event. */
  async start(pod: KubeObject, c: ContainerSpec, attempt: number, init: boolean): Promise<void> {
    const uid = pod.metadata.uid!;
    const key = `${uid}/${c.name}`;
    const ref = { name: c.name, init };
    const { runtime, events } = this.deps;
    let image;
    try {
      image = await this.pulls.ensure(pod, { ...c, init });
    } catch (err) {
      if (!(err instanceof ImageNotReady)) throw err;
      this.reasons.set(key, { reason: err.reason, message: err.message });
      return;
    }
    const sandbox = await runtime.sandboxStatus(uid);
    let config;
    try {
      config = await containerConfig(pod, c, image, attempt, init, {
        sources: this.deps.envSources,
        paths: this.deps.paths,
        memoryCapacity: this.deps.node.memoryCapacityBytes(),
        hostIPs: this.deps.node.hostIPs(),
        podIPs: specOf(pod).hostNetwork ? this.deps.node.hostIPs() : (sandbox?.ips ?? []),
        allocatable: this.deps.node.allocatable(),
        serviceEnv: podServiceEnv(pod, (this.deps.services?.() ?? []) as never),
        warn: (reason, message) => events.pod(pod, 'Warning', reason, message),
        volumes: this.deps.volumes?.podVolumes(uid),
      });
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      events.container(pod, ref, 'Warning', 'Failed', `Error: ${err.message}`);
      this.reasons.set(key, { reason: 'CreateContainerConfigError', message: err.message });
      return;
    }
    let info: ContainerInfo;
    try {
      info = await runtime.create(uid, config);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      events.container(pod, ref, 'Warning', 'Failed', `Error: ${msg}`);
      this.reasons.set(key, { reason: 'CreateContainerError', message: msg });
      return;
    }
    events.container(pod, ref, 'Normal', 'Created', `Created container: ${c.name}`);
    this.reasons.delete(key);
    let running: ContainerInfo;
    try {
      running = await runtime.start(info.id);
      events.container(pod, ref, 'Normal', 'Started', `Started container ${c.name}`);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      events.container(pod, ref, 'Warning', 'Failed', `Error: ${msg}`);
      return;
    }
    // The sync waits for postStart: the container is not reported Running before it is done.
    const hookFailure = await runPostStart(this.deps, pod, c as unknown as ProbedContainer, running, init, this.hookAborts?.signal(uid));
    if (hookFailure !== undefined) this.reasons.set(key, { reason: 'PostStartHookError', message: hookFailure });
  }

  /** Keeps the newest two containers of a name (the current and `--previous`) and their logs; returns the removed IDs. */
  async collectOld(pod: KubeObject, name: string, attempt: number): Promise<string[]> {
    const removed: string[] = [];
    const list = containersByName(await this.deps.runtime.list(), pod.metadata.uid!).get(name) ?? [];
    for (const old of list.filter((c) => attemptOf(c) < attempt - 1 && c.state.phase === 'exited')) {
      await this.deps.runtime.delete(old.id);
      removed.push(old.id);
      await rm(old.logPath, { force: true });
      const dir = old.logPath.slice(0, old.logPath.lastIndexOf('/'));
      const base = old.logPath.slice(dir.length + 1);
      try {
        for (const f of readdirSync(dir)) if (f.startsWith(`${base}.`)) rmSync(join(dir, f), { force: true });
      } catch {
        // no log dir
      }
    }
    return removed;
  }

}
