import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../apiserver/errors.js';
import type { RestClient } from '../../client/rest-client.js';
import type { Logger } from '../../util/log.js';

/** Status fields the agent owns and removes when they no longer apply. */
const ownedOptional = ['podIP', 'podIPs', 'hostIP', 'hostIPs', 'initContainerStatuses'];

/**
 * Writes pod status to the API server, the kubelet's status manager: one write at a time
 * per pod and in order, nothing written when the status did not change, a merge patch of
 * `status` only (so the scheduler's and others' fields stay).
 *
 * @example
 * await statuses.set(pod, { phase: 'Running', conditions: [...], containerStatuses: [...] });
 */
export class StatusManager {
  private readonly last = new Map<string, unknown>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly client: RestClient,
    private readonly log: Logger,
  ) {}

  set(pod: KubeObject, status: Record<string, unknown>): Promise<void> {
    const uid = pod.metadata.uid!;
    const prev = this.chains.get(uid) ?? Promise.resolve();
    const next = prev.then(() => this.write(pod, status));
    this.chains.set(uid, next);
    void next.finally(() => {
      if (this.chains.get(uid) === next) this.chains.delete(uid);
    });
    return next;
  }

  /** The status last written for a pod (what clients see once the write landed). */
  lastWritten(uid: string): unknown {
    return this.last.get(uid);
  }

  forget(uid: string): void {
    this.last.delete(uid);
  }

  private async write(pod: KubeObject, status: Record<string, unknown>): Promise<void> {
    const uid = pod.metadata.uid!;
    const known = this.last.get(uid) ?? pod.status;
    if (isDeepStrictEqual(known, status)) return;
    const body: Record<string, unknown> = { ...status };
    const old = (pod.status ?? {}) as Record<string, unknown>;
    for (const k of ownedOptional) if (k in old && !(k in body)) body[k] = null;
    try {
      await this.client.patch(`/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace!)}/pods/${encodeURIComponent(pod.metadata.name!)}/status`, { status: body });
      this.last.set(uid, status);
    } catch (err) {
      // A pod deleted meanwhile has no status to write.
      if (err instanceof ApiError && err.code === 404) return;
      this.log.warn({ err, pod: `${pod.metadata.namespace}/${pod.metadata.name}` }, 'pod status update failed');
      throw err;
    }
  }
}
