import type { KubeObject } from '../../api/types.js';
import { Informer } from '../../client/informer.js';
import { restListWatch, type RestClient } from '../../client/rest-client.js';
import type { Logger } from '../../util/log.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { labels } from './container-labels.js';
import type { PodSyncer } from './pod-sync.js';
import { PodWorker, type PodWorkerDeps } from './pod-worker.js';
import type { StatusManager } from './status-manager.js';

export interface PodManagerDeps {
  client: RestClient;
  nodeName: string;
  runtime: ContainerRuntime;
  syncer: PodSyncer;
  statuses: StatusManager;
  log: Logger;
  /** Extra admit handlers for new pods (the eviction manager's). */
  admit?: PodWorkerDeps['admit'];
}

/**
 * Watches the pods bound to this node and keeps one worker per pod UID (the kubelet's pod
 * workers). At start it re-adopts what the runtime still runs and removes what belongs to
 * pods that no longer exist.
 *
 * @example
 * const pods = new PodManager({ client, nodeName: 'n1', runtime, syncer, statuses, log });
 * await pods.start();
 */
export class PodManager {
  private readonly workers = new Map<string, PodWorker>();
  private readonly informer: Informer;
  private stopped = false;

  constructor(private readonly deps: PodManagerDeps) {
    this.informer = new Informer(restListWatch(deps.client, '/api/v1/pods', { fieldSelector: `spec.nodeName=${deps.nodeName}` }), deps.log);
  }

  async start(): Promise<void> {
    this.deps.runtime.onExit((c) => {
      const uid = c.labels[labels.podUid];
      if (uid) this.workers.get(uid)?.wake();
    });
    this.informer.on({
      add: (pod) => this.upsert(pod),
      update: (old, pod) => {
        if (old.metadata.uid !== pod.metadata.uid) this.workers.get(old.metadata.uid!)?.remove();
        this.upsert(pod);
      },
      delete: (pod) => this.workers.get(pod.metadata.uid!)?.remove(),
    });
    await this.informer.start();
    await this.removeOrphans();
  }

  stop(): void {
    this.stopped = true;
    this.informer.stop();
    for (const w of this.workers.values()) w.stop();
  }

  /** The pod object the agent works from (`namespace/name`). */
  pod(namespace: string, name: string): KubeObject | undefined {
    return this.informer.get(`${namespace}/${name}`);
  }

  list(): KubeObject[] {
    return this.informer.list();
  }

  /** Evicts the pod (the eviction manager's kill): it stops and ends Failed with reason Evicted. */
  evict(uid: string, message: string): void {
    this.workers.get(uid)?.evict(message);
  }

  /** Syncs the pod again now (something it waited for, like a volume's ConfigMap, arrived). */
  wake(uid: string): void {
    this.workers.get(uid)?.wake();
  }

  get podCount(): number {
    return this.workers.size;
  }

  private upsert(pod: KubeObject): void {
    if (this.stopped) return;
    const uid = pod.metadata.uid!;
    let w = this.workers.get(uid);
    if (!w) {
      w = new PodWorker(pod, {
        syncer: this.deps.syncer,
        statuses: this.deps.statuses,
        client: this.deps.client,
        log: this.deps.log,
        onFinished: (id) => this.workers.delete(id),
        admit: this.deps.admit,
      });
      this.workers.set(uid, w);
    }
    w.update(pod);
  }

  /** Pods the runtime still holds that the API no longer has (deleted while the agent was down). */
  private async removeOrphans(): Promise<void> {
    const known = await this.deps.syncer.knownPods();
    for (const uid of known) {
      if (this.workers.has(uid)) continue;
      this.deps.log.info({ podUid: uid }, 'removing containers of a pod that no longer exists');
      await this.deps.syncer.cleanup(uid).catch((err) => this.deps.log.warn({ err, podUid: uid }, 'orphan cleanup failed'));
    }
  }
}
