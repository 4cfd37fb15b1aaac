/**
 * The local image store under `<agent-data-dir>/images/`:
 *
 * ```
 * blobs/sha256/<hex>            manifests, indexes, configs, compressed layers (by digest)
 * ingest/<pid>-<rand>           blobs being written (verified, then renamed into blobs/)
 * layers/sha256/<hex>/rootfs    unpacked layers by diffID: overlayfs lower dirs
 * layers/tmp/<pid>-<rand>       layers being unpacked
 * refs/<ref>.json               name → digests
 * leases/<id>.json              what must survive garbage collection
 * ```
 */
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobStore } from './blob-store.js';
import type { ImageConfig, ImageInfo } from './image-service.js';
import { LayerStore } from './layer-store.js';
import { LeaseStore } from './lease-store.js';
import { overlayLowerStacks } from './mounted-layers.js';
import { parseManifest, type ImageManifest, type OciImageConfig } from './oci-types.js';
import { RefStore, type ImageRecord } from './ref-store.js';

/** `<agent-data-dir>/images`: where an agent keeps its images. */
export function imageStoreRoot(agentDataDir: string): string {
  return join(agentDataDir, 'images');
}

export class ImageStore {
  readonly blobs: BlobStore;
  readonly layers: LayerStore;
  readonly refs: RefStore;
  readonly leases: LeaseStore;

  constructor(readonly root: string) {
    this.blobs = new BlobStore(root);
    this.layers = new LayerStore(root);
    this.refs = new RefStore(root);
    this.leases = new LeaseStore(root);
  }

  /** Creates the folders and clears leftovers of killed processes. */
  async init(): Promise<this> {
    await this.blobs.init();
    await this.layers.init();
    await this.refs.init();
    await this.leases.init();
    return this;
  }

  async manifest(digest: string): Promise<ImageManifest> {
    const parsed = parseManifest(await this.blobs.read(digest));
    if (parsed.kind !== 'manifest') throw new Error(`${digest} is an index, not an image manifest`);
    return parsed.manifest;
  }

  async config(digest: string): Promise<OciImageConfig> {
    return JSON.parse((await this.blobs.read(digest)).toString('utf8')) as OciImageConfig;
  }

  /**
   * Lower-dir stacks of the overlay mounts on this machine that use this store's layers
   * (a running container's root filesystem is one), lowest layer first.
   */
  async mountedStacks(): Promise<string[][]> {
    const real = await realpath(this.layers.layersDir).catch(() => this.layers.layersDir);
    const prefix = `${real}/`;
    return (await overlayLowerStacks())
      .map((stack) => stack.filter((dir) => dir.startsWith(prefix)).map((dir) => join(this.layers.layersDir, dir.slice(prefix.length))))
      .filter((stack) => stack.length > 0);
  }

  /** Describes a stored image; undefined when a part of it is missing (then it is not usable). */
  async imageInfo(rec: ImageRecord): Promise<ImageInfo | undefined> {
    let config: OciImageConfig;
    try {
      config = await this.config(rec.configDigest);
    } catch {
      return undefined;
    }
    const layers: string[] = [];
    let size = 0;
    for (const diffID of config.rootfs?.diff_ids ?? []) {
      const layer = await this.layers.get(diffID);
      if (!layer) return undefined;
      layers.push(this.layers.dir(diffID));
      size += layer.size;
    }
    return {
      ref: rec.ref,
      imageID: `${rec.name}@${rec.digest}`,
      configDigest: rec.configDigest,
      config: toImageConfig(config),
      layers,
      size,
    };
  }

  /**
   * Deletes blobs and layers that no reference and no lease needs; returns what went.
   * Digests whose records cannot be read are kept (never delete what might be in use).
   * Content is listed before leases and references are read, so anything a concurrent pull
   * writes later is either absent from the listing or covered by that pull's lease.
   */
  async collectGarbage(): Promise<{ blobs: number; layers: number }> {
    const blobList = await this.blobs.list();
    const layerList = await this.layers.list();
    const leases = await this.leases.all();
    const keepBlobs = new Set<string>(leases.digests);
    const keepLayers = new Set<string>(leases.digests);
    const mounted = new Set((await this.mountedStacks()).flat());
    for (const d of layerList) if (mounted.has(this.layers.dir(d))) keepLayers.add(d);
    const walk = async (digest: string) => {
      keepBlobs.add(digest);
      let parsed;
      try {
        parsed = parseManifest(await this.blobs.read(digest));
      } catch {
        return;
      }
      if (parsed.kind === 'index') {
        for (const m of parsed.index.manifests) await walk(m.digest);
        return;
      }
      keepBlobs.add(parsed.manifest.config.digest);
      for (const l of parsed.manifest.layers) keepBlobs.add(l.digest);
      try {
        for (const d of (await this.config(parsed.manifest.config.digest)).rootfs.diff_ids) keepLayers.add(d);
      } catch {
        // config missing: nothing more to keep
      }
    };
    const records = await this.refs.list();
    for (const rec of records) {
      await walk(rec.digest);
      await walk(rec.manifestDigest);
    }
    for (const image of leases.images) {
      if (!image.startsWith('sha256:')) continue; // references are covered by their records
      keepBlobs.add(image);
      try {
        for (const d of (await this.config(image)).rootfs.diff_ids) keepLayers.add(d);
      } catch {
        // not a config we hold
      }
    }
    let blobs = 0;
    let layers = 0;
    for (const d of blobList) {
      if (!keepBlobs.has(d)) {
        await this.blobs.delete(d);
        blobs++;
      }
    }
    for (const d of layerList) {
      if (!keepLayers.has(d)) {
        await this.layers.delete(d);
        layers++;
      }
    }
    return { blobs, layers };
  }
}

/** The container-relevant part of an image config, in the contract's shape. */
export function toImageConfig(c: OciImageConfig): ImageConfig {
  const cfg = c.config ?? {};
  return {
    entrypoint: cfg.Entrypoint ?? undefined,
    cmd: cfg.Cmd ?? undefined,
    env: cfg.Env ?? undefined,
    workingDir: cfg.WorkingDir || undefined,
    user: cfg.User || undefined,
    exposedPorts: cfg.ExposedPorts ? Object.keys(cfg.ExposedPorts) : undefined,
  };
}
