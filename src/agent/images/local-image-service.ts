/**
 * The agent's ImageService: a local content store plus registry pulls, with the kubelet's
 * `imagePullPolicy` semantics. Concurrent requests for one image share one pull.
 */
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { importArchive, type ImportOptions } from './image-import.js';
import { ImagePuller } from './image-puller.js';
import { invalidImageNameMessage, InvalidReferenceError, parseImageRef, type ImageRef } from './image-ref.js';
import {
  ImagePullError,
  type ImageInfo,
  type ImageService,
  type PullPolicy,
  type PullProgress,
  type RegistryAuth,
} from './image-service.js';
import { ImageStore, imageStoreRoot } from './image-store.js';
import type { Platform } from './oci-types.js';
import type { ImageRecord } from './ref-store.js';
import { emptyRegistriesConfig, loadRegistriesConfig, type RegistriesConfig } from './registries-config.js';
import { SingleFlight } from './singleflight.js';

export interface LocalImageServiceOptions {
  /** The agent's data dir (default `/var/lib/k8ts/agent`); images live in `<it>/images`. */
  agentDataDir?: string;
  /** The store folder itself, overriding `agentDataDir`. */
  root?: string;
  /**
   * Path of a k3s-style `registries.yaml` (read at every pull; a missing file is fine).
   * Default with `agentDataDir`: `registries.yaml` in its parent, the k8ts data dir
   * (`/var/lib/k8ts/registries.yaml`), where `k8ts image` looks too.
   */
  registriesFile?: string;
  /** A registries config given directly (tests, embedding); wins over `registriesFile`. */
  registries?: RegistriesConfig;
  disableDefaultEndpoint?: boolean;
  platform?: Platform;
  /** Layers downloaded at once. */
  concurrency?: number;
}

export const defaultAgentDataDir = '/var/lib/k8ts/agent';

export class LocalImageService implements ImageService {
  private readonly puller: ImagePuller;
  private readonly pulls = new SingleFlight<ImageRecord>();
  private readonly platform: Platform | undefined;

  private constructor(
    readonly store: ImageStore,
    opts: LocalImageServiceOptions,
  ) {
    this.platform = opts.platform;
    const file = opts.registriesFile ?? (opts.root === undefined ? join(dirname(opts.agentDataDir ?? defaultAgentDataDir), 'registries.yaml') : undefined);
    const registries = opts.registries ? async () => opts.registries! : file ? () => loadRegistriesConfig(file) : async () => emptyRegistriesConfig;
    this.puller = new ImagePuller(store, { registries, disableDefaultEndpoint: opts.disableDefaultEndpoint, platform: opts.platform, concurrency: opts.concurrency });
  }

  /**
   * Opens (creating if needed) the store and clears what killed processes left behind.
   *
   * @example
   * const images = await LocalImageService.open({ agentDataDir: '/var/lib/k8ts/agent', registriesFile: '/var/lib/k8ts/registries.yaml' });
   * const img = await images.ensureImage('busybox:1.36', 'IfNotPresent');
   */
  static async open(opts: LocalImageServiceOptions = {}): Promise<LocalImageService> {
    const root = opts.root ?? imageStoreRoot(opts.agentDataDir ?? defaultAgentDataDir);
    const store = await new ImageStore(root).init();
    return new LocalImageService(store, opts);
  }

  async ensureImage(
    image: string,
    policy: PullPolicy,
    opts: { auth?: RegistryAuth[]; onProgress?: (p: PullProgress) => void } = {},
  ): Promise<ImageInfo> {
    const ref = parse(image);
    if (policy !== 'Always') {
      const present = await this.getImage(ref.ref);
      if (present) return present;
      if (policy === 'Never') {
        throw new ImagePullError(`Container image ${JSON.stringify(image)} is not present with pull policy of Never`, 'NeverPull');
      }
    }
    return this.pull(ref, opts);
  }

  /** Pulls unconditionally (`k8ts image pull`, policy Always); unchanged layers are not fetched again. */
  async pull(image: string | ImageRef, opts: { auth?: RegistryAuth[]; onProgress?: (p: PullProgress) => void } = {}): Promise<ImageInfo> {
    const ref = typeof image === 'string' ? parse(image) : image;
    // Pulls share a download only when they present the same credentials: a pod without
    // any must not get a private image by arriving while another pod pulls it.
    const key = `${ref.ref}\0${createHash('sha256').update(JSON.stringify(opts.auth ?? [])).digest('hex')}`;
    const rec = await this.pulls.do(key, () => this.puller.pull({ ref, auth: opts.auth, onProgress: opts.onProgress }));
    const info = await this.store.imageInfo(rec);
    if (!info) throw new ImagePullError(`image ${ref.ref} was pulled but its content is incomplete`, 'Content');
    return info;
  }

  /**
   * The image if present. A reference by digest also finds an image pulled under a tag
   * whose digest matches (as containerd does); it is then recorded under the digest too.
   */
  async getImage(image: string): Promise<ImageInfo | undefined> {
    const ref = parse(image);
    let rec = await this.store.refs.get(ref.ref);
    if (!rec && ref.digest) {
      const same = (await this.store.refs.list()).find((r) => r.name === ref.name && (r.digest === ref.digest || r.manifestDigest === ref.digest));
      if (same) {
        rec = { ...same, ref: ref.ref, tag: ref.tag, digest: ref.digest, createdAt: new Date().toISOString() };
        await this.store.refs.put(rec);
      }
    }
    return rec ? this.store.imageInfo(rec) : undefined;
  }

  async listImages(): Promise<ImageInfo[]> {
    const out: ImageInfo[] = [];
    for (const rec of await this.store.refs.list()) {
      const info = await this.store.imageInfo(rec);
      if (info) out.push(info);
    }
    return out;
  }

  /** The stored records (with tags and digests), for listings. */
  records(): Promise<ImageRecord[]> {
    return this.store.refs.list();
  }

  /**
   * Removes a reference, or every reference of an image ID (`sha256:…` or a hex prefix of
   * at least 3 digits), then deletes content nothing else needs. Throws if nothing matched.
   */
  async removeImage(refOrId: string): Promise<void> {
    const removed = await this.untag(refOrId);
    if (removed.length === 0) throw new Error(`no such image: ${refOrId}`);
    await this.store.collectGarbage();
  }

  /** Like removeImage but returns the references removed (for `Deleted:` lines). */
  async untag(refOrId: string): Promise<string[]> {
    const records = await this.store.refs.list();
    let matches: ImageRecord[] = [];
    try {
      const ref = parseImageRef(refOrId).ref;
      matches = records.filter((r) => r.ref === ref);
    } catch {
      // not a reference; maybe an ID
    }
    if (matches.length === 0 && /^(sha256:)?[0-9a-f]{3,64}$/.test(refOrId)) {
      const hex = refOrId.replace(/^sha256:/, '');
      const ids = new Set(records.filter((r) => r.configDigest.slice(7).startsWith(hex)).map((r) => r.configDigest));
      if (ids.size > 1) throw new Error(`image ID prefix ${refOrId} is ambiguous`);
      matches = records.filter((r) => ids.has(r.configDigest));
    }
    for (const r of matches) await this.store.refs.delete(r.ref);
    return matches.map((r) => r.ref);
  }

  /**
   * Removes every image not in use, then unreferenced content. In use means: leased (see
   * holdImage; the agent leases each container's image), its exact layer stack mounted as
   * an overlayfs (a container's root filesystem), or accepted by `inUse`.
   *
   * @example
   * await images.prune((img) => runningImageIDs.has(img.configDigest));
   */
  async prune(inUse: (image: ImageInfo) => boolean = () => false): Promise<string[]> {
    const leases = await this.store.leases.all();
    const mounted = new Set((await this.store.mountedStacks()).map((s) => s.join(':')));
    const removed: string[] = [];
    for (const rec of await this.store.refs.list()) {
      const info = await this.store.imageInfo(rec);
      const used =
        leases.images.has(rec.ref) || leases.images.has(rec.configDigest) || (info !== undefined && (mounted.has(info.layers.join(':')) || inUse(info)));
      if (!used) {
        await this.store.refs.delete(rec.ref);
        removed.push(rec.ref);
      }
    }
    await this.store.collectGarbage();
    return removed;
  }

  /**
   * Marks an image as used by `holder` (a container ID) until releaseImage, so prune and
   * garbage collection — from this or another process — keep it and its layers.
   */
  async holdImage(holder: string, image: ImageInfo): Promise<void> {
    const config = await this.store.config(image.configDigest);
    await this.store.leases.put(holder, { images: [image.ref, image.configDigest], digests: [image.configDigest, ...config.rootfs.diff_ids] });
  }

  async releaseImage(holder: string): Promise<void> {
    await this.store.leases.delete(holder);
  }

  /** Loads a docker-archive or OCI-layout tar; returns the images it named. */
  async importArchive(file: string, opts: ImportOptions = {}): Promise<ImageInfo[]> {
    const records = await importArchive(this.store, file, { platform: this.platform, ...opts });
    const out: ImageInfo[] = [];
    for (const r of records) {
      const info = await this.store.imageInfo(r);
      if (info) out.push(info);
    }
    return out;
  }

  /** Where unpacked layers live, e.g. for a test that mounts them. */
  get root(): string {
    return this.store.root;
  }

  layerDir(diffID: string): string {
    return join(this.store.layers.layersDir, ...diffID.split(':'), 'rootfs');
  }
}

/** Parses a reference; an invalid one is an ImagePullError `Invalid` with the kubelet's InvalidImageName message. */
function parse(image: string): ImageRef {
  try {
    return parseImageRef(image);
  } catch (err) {
    if (err instanceof InvalidReferenceError) throw new ImagePullError(invalidImageNameMessage(image)!, 'Invalid', { cause: err });
    throw err;
  }
}
