import { defaultPullPolicy } from '../../api/core/v1/pod-spec-defaults.js';
import type { KubeObject } from '../../api/types.js';
import type { Clock } from '../../util/clock.js';
import { invalidImageNameMessage } from '../images/image-ref.js';
import { ImagePullError, type ImageInfo, type ImageService, type PullPolicy, type RegistryAuth } from '../images/image-service.js';
import { Backoff, goDuration } from './backoff.js';
import type { PodEvents } from './pod-events.js';

/** Why an image is not there yet: the waiting reason and message the container shows. */
export class ImageNotReady extends Error {
  constructor(
    readonly reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName',
    message: string,
  ) {
    super(message);
    this.name = 'ImageNotReady';
  }
}

export interface ContainerImageSpec {
  name: string;
  image: string;
  imagePullPolicy?: string;
  init?: boolean;
}

/**
 * Makes a container's image present the kubelet's way (its image manager's
 * EnsureImageExists): the pull policy (`:latest` defaults to Always), the pod's pull-secret
 * credentials looked up for each pull, events Pulling / Pulled ("already present on
 * machine" when the policy allows the local copy), failures as ErrImagePull with a per-pod,
 * per-image back-off (10 s doubling to 5 min) that turns into ImagePullBackOff — whose
 * message repeats the last failure, as since Kubernetes 1.32 — while it runs. Every
 * waiting reason is followed by the kubelet's `Failed` "Error: <reason>" event.
 *
 * @example
 * const pulls = new ImagePulls(images, events, clock, (pod, image) => credentialsFor(pod, image));
 * const info = await pulls.ensure(pod, { name: 'app', image: 'busybox:1.36' }); // or throws ImageNotReady
 */
export class ImagePulls {
  private readonly backoff: Backoff;
  private readonly lastError = new Map<string, string>();

  private readonly lastUpdate = new Map<string, number>();

  constructor(
    private readonly images: ImageService,
    private readonly events: PodEvents,
    private readonly clock: Clock,
    /** Registry credentials for a pod's image (its imagePullSecrets). */
    private readonly auth: (pod: KubeObject, image: string) => Promise<RegistryAuth[]> = async () => [],
  ) {
    this.backoff = new Backoff(10_000, 300_000, clock);
  }

  /** When a pull in backoff may be retried (ms), for requeueing. */
  retryAt(pod: KubeObject, c: ContainerImageSpec): number | undefined {
    const key = this.key(pod, c);
    const d = this.backoff.get(key);
    return d ? this.lastUpdate.get(key)! + d : undefined;
  }

  private key(pod: KubeObject, c: ContainerImageSpec): string {
    return `${pod.metadata.uid}/${c.image}`;
  }

  forgetPod(uid: string): void {
    this.backoff.resetPrefix(`${uid}/`);
    for (const m of [this.lastUpdate, this.lastError]) for (const k of [...m.keys()]) if (k.startsWith(`${uid}/`)) m.delete(k);
  }

  async ensure(pod: KubeObject, c: ContainerImageSpec): Promise<ImageInfo> {
    const invalid = invalidImageNameMessage(c.image);
    if (invalid) {
      this.events.container(pod, c, 'Warning', 'InspectFailed', invalid);
      this.events.container(pod, c, 'Warning', 'Failed', 'Error: InvalidImageName');
      throw new ImageNotReady('InvalidImageName', invalid);
    }
    const policy = (c.imagePullPolicy ?? defaultPullPolicy(c.image)) as PullPolicy;
    const present = await this.images.getImage(c.image).catch(() => undefined);
    if (present && policy !== 'Always') {
      this.events.container(pod, c, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
      return present;
    }
    if (!present && policy === 'Never') {
      const msg = `Container image "${c.image}" is not present with pull policy of Never`;
      this.events.container(pod, c, 'Warning', 'ErrImageNeverPull', msg);
      this.events.container(pod, c, 'Warning', 'Failed', 'Error: ErrImageNeverPull');
      throw new ImageNotReady('ErrImageNeverPull', msg);
    }
    const key = this.key(pod, c);
    const last = this.lastUpdate.get(key);
    if (last !== undefined && this.backoff.isInBackOffSince(key, last)) {
      this.events.container(pod, c, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`);
      this.events.container(pod, c, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      throw new ImageNotReady('ImagePullBackOff', `Back-off pulling image "${c.image}": ErrImagePull: ${this.lastError.get(key) ?? ''}`);
    }
    this.events.container(pod, c, 'Normal', 'Pulling', `Pulling image "${c.image}"`);
    const started = this.clock.now();
    try {
      const auth = await this.auth(pod, c.image);
      const info = await this.images.ensureImage(c.image, policy, auth.length ? { auth } : {});
      const took = goDuration(this.clock.now() - started);
      this.events.container(pod, c, 'Normal', 'Pulled', `Successfully pulled image "${c.image}" in ${took} (${took} including waiting). Image size: ${info.size} bytes.`);
      this.backoff.reset(key);
      this.lastUpdate.delete(key);
      this.lastError.delete(key);
      return info;
    } catch (err) {
      const now = this.clock.now();
      this.backoff.next(key, now);
      this.lastUpdate.set(key, now);
      const detail = err instanceof Error ? err.message : String(err);
      this.lastError.set(key, detail);
      const invalid = err instanceof ImagePullError && err.reason === 'Invalid';
      this.events.container(pod, c, 'Warning', 'Failed', `Failed to pull image "${c.image}": ${detail}`);
      this.events.container(pod, c, 'Warning', 'Failed', `Error: ${invalid ? 'InvalidImageName' : 'ErrImagePull'}`);
      throw new ImageNotReady(invalid ? 'InvalidImageName' : 'ErrImagePull', detail);
    }
  }
}
