/**
 * The kubelet's image manager (EnsureImageExists) for the agent's pod workers: applies the
 * pull policy, pull-secret credentials and the per-pod image backoff, emits the kubelet's
 * events word for word, and says which waiting reason the container shows
 * (`ErrImagePull`, then `ImagePullBackOff` — whose message repeats the last failure, as
 * since Kubernetes 1.32 — while the backoff runs; `InvalidImageName`, `ErrImageNeverPull`).
 */
import { defaultPullPolicy } from '../../api/core/v1/pod-spec-defaults.js';
import type { Clock } from '../../util/clock.js';
import { systemClock } from '../../util/clock.js';
import { keyringFromSecrets, lookupKeyring, type PullSecret } from './docker-config.js';
import { invalidImageNameMessage, parseImageRef } from './image-ref.js';
import { ImagePullError, type ImageInfo, type ImageService, type PullPolicy, type PullProgress } from './image-service.js';
import { PullBackoff } from './pull-backoff.js';

export type ImageEventReason = 'Pulling' | 'Pulled' | 'Failed' | 'BackOff' | 'InspectFailed' | 'ErrImageNeverPull';

/** An event to record on the pod (involvedObject `spec.containers{name}`), as the kubelet would. */
export interface ImageEvent {
  type: 'Normal' | 'Warning';
  reason: ImageEventReason;
  message: string;
}

export type WaitingReason = 'InvalidImageName' | 'ErrImageNeverPull' | 'ImagePullBackOff' | 'ErrImagePull';

export type EnsureImageResult =
  | { status: 'ready'; image: ImageInfo }
  /** The container stays `waiting` with this reason and message. */
  | { status: 'waiting'; reason: WaitingReason; message: string };

export interface EnsureImageRequest {
  podUID: string;
  /** `container.image` exactly as the pod spec has it. */
  image: string;
  /** `container.imagePullPolicy`; defaulted as the API server defaults it when absent. */
  pullPolicy?: PullPolicy;
  /** The pod's `imagePullSecrets`, resolved to Secrets (missing ones left out). */
  pullSecrets?: PullSecret[];
  onProgress?: (p: PullProgress) => void;
}

export class ImagePullManager {
  readonly backoff: PullBackoff;
  /** The last failure per backoff key, which the ImagePullBackOff message repeats (kubelet 1.32+). */
  private readonly lastFailure = new Map<string, string>();

  /**
   * @example
   * const images = new ImagePullManager(await LocalImageService.open({ agentDataDir }));
   * const r = await images.ensureImageExists({ podUID, image: c.image, pullPolicy: c.imagePullPolicy }, (e) => recorder.event(pod, c, e));
   * if (r.status === 'waiting') setWaiting(c.name, r.reason, r.message);
   */
  constructor(
    private readonly service: ImageService,
    private readonly clock: Clock = systemClock,
    backoff?: PullBackoff,
  ) {
    this.backoff = backoff ?? new PullBackoff(clock);
  }

  async ensureImageExists(req: EnsureImageRequest, record: (e: ImageEvent) => void = () => undefined): Promise<EnsureImageResult> {
    const { image } = req;
    const q = JSON.stringify(image);
    const invalid = invalidImageNameMessage(image);
    if (invalid !== undefined) {
      record({ type: 'Warning', reason: 'InspectFailed', message: invalid });
      return this.waiting(record, 'InvalidImageName', invalid);
    }
    const policy = req.pullPolicy ?? defaultPullPolicy(image);
    const present = await this.service.getImage(image);
    if (policy === 'Never' || (policy === 'IfNotPresent' && present)) {
      if (present) {
        record({ type: 'Normal', reason: 'Pulled', message: `Container image ${q} already present on machine` });
        return { status: 'ready', image: present };
      }
      const message = `Container image ${q} is not present with pull policy of Never`;
      record({ type: 'Warning', reason: 'ErrImageNeverPull', message });
      return this.waiting(record, 'ErrImageNeverPull', message);
    }
    const key = `${req.podUID}_${image}`;
    if (this.backoff.inBackoff(key)) {
      const message = `Back-off pulling image ${q}`;
      record({ type: 'Normal', reason: 'BackOff', message });
      const last = this.lastFailure.get(key);
      return this.waiting(record, 'ImagePullBackOff', last === undefined ? message : `${message}: ${last}`);
    }
    this.lastFailure.delete(key);
    record({ type: 'Normal', reason: 'Pulling', message: `Pulling image ${q}` });
    const start = this.clock.now();
    try {
      const auth = lookupKeyring(keyringFromSecrets(req.pullSecrets ?? []), parseImageRef(image).name);
      const info = await this.service.ensureImage(image, 'Always', { auth, onProgress: req.onProgress });
      const took = formatDuration(this.clock.now() - start);
      record({ type: 'Normal', reason: 'Pulled', message: `Successfully pulled image ${q} in ${took} (${took} including waiting). Image size: ${info.size} bytes.` });
      this.backoff.gc();
      return { status: 'ready', image: info };
    } catch (err) {
      const message = err instanceof ImagePullError || err instanceof Error ? err.message : String(err);
      record({ type: 'Warning', reason: 'Failed', message: `Failed to pull image ${q}: ${message}` });
      this.backoff.next(key);
      this.lastFailure.set(key, `ErrImagePull: ${message}`);
      return this.waiting(record, 'ErrImagePull', message);
    }
  }

  /** The kuberuntime's follow-up event (`Error: ErrImagePull`) and the waiting state. */
  private waiting(record: (e: ImageEvent) => void, reason: WaitingReason, message: string): EnsureImageResult {
    record({ type: 'Warning', reason: 'Failed', message: `Error: ${reason}` });
    return { status: 'waiting', reason, message };
  }
}

/** Go's time.Duration String() after truncation to milliseconds: `1.234s`, `845ms`, `2m3.5s`. */
export function formatDuration(ms: number): string {
  const t = Math.max(0, Math.floor(ms));
  if (t === 0) return '0s';
  if (t < 1000) return `${t}ms`;
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = (t % 60_000) / 1000;
  const sec = `${Number(s.toFixed(3))}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}
