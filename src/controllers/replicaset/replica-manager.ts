import type { KubeObject } from '../../api/types.js';
import type { GenericStore } from '../../apiserver/registry/generic-store.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { objectKey } from '../../client/informer.js';
import type { Clock } from '../../util/clock.js';
import { errorMessage, isNamespaceTerminating, isNotFound } from '../common/api-errors.js';
import { controllerRefFor } from '../common/controller-ref.js';
import { podsToDelete } from '../common/deletion-ranking.js';
import type { Expectations } from '../common/expectations.js';
import { podFromTemplate } from '../common/pod-template.js';
import { slowStartBatch } from '../common/slow-start.js';
import type { ManageError } from './replica-status.js';
import { type ReplicatedKind, replicatedSpec } from './replicated-kind.js';

/**
 * manageReplicas: creates or deletes pods so a set has `spec.replicas` of them, recording
 * expectations first and Kubernetes' events (SuccessfulCreate/FailedCreate on the set,
 * SuccessfulDelete/FailedDelete) as it goes.
 */
export class ReplicaManager {
  constructor(
    readonly podStore: GenericStore,
    private readonly kind: ReplicatedKind,
    private readonly expectations: Expectations,
    private readonly recorder: EventRecorder,
    private readonly clock: Clock,
    private readonly burst: number,
  ) {}

  /** Acts on the difference; resolves with the error that stopped it, if any. */
  async manage(set: KubeObject, key: string, pods: KubeObject[], relatedPods: () => KubeObject[]): Promise<ManageError | undefined> {
    const want = replicatedSpec(set).replicas ?? 1;
    const diff = pods.length - want;
    if (diff < 0) return this.create(set, key, Math.min(-diff, this.burst));
    if (diff > 0) return this.remove(set, key, podsToDelete(pods, relatedPods(), Math.min(diff, this.burst), this.clock.now()));
    return undefined;
  }

  private async create(set: KubeObject, key: string, count: number): Promise<ManageError | undefined> {
    const template = replicatedSpec(set).template;
    if (!template) return { op: 'create', error: new Error('no pod template') };
    const ref = controllerRefFor(set, this.kind.apiVersion, this.kind.kind);
    const ns = set.metadata.namespace!;
    this.expectations.expectCreations(key, count);
    const { succeeded, error } = await slowStartBatch(count, 1, async () => {
      try {
        const pod = await this.podStore.create(ns, podFromTemplate(template, ns, set.metadata.name!, ref));
        this.recorder.event(set, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
      } catch (err) {
        // A namespace being deleted refuses every create: nothing to retry or report.
        if (isNamespaceTerminating(err)) return;
        this.recorder.event(set, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
        throw err;
      }
    });
    // Pods never created will never be observed.
    if (succeeded < count) this.expectations.lowerCreations(key, count - succeeded);
    return error === undefined ? undefined : { op: 'create', error };
  }

  private async remove(set: KubeObject, key: string, victims: KubeObject[]): Promise<ManageError | undefined> {
    this.expectations.expectDeletions(key, victims.map(objectKey));
    const results = await Promise.allSettled(
      victims.map(async (pod) => {
        try {
          await this.podStore.delete(pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
          this.recorder.event(set, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (err) {
          // Its deletion will never be observed.
          this.expectations.deletionObserved(key, objectKey(pod));
          if (isNotFound(err)) return;
          this.recorder.event(set, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
          throw err;
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    return failed ? { op: 'delete', error: failed.reason } : undefined;
  }
}
