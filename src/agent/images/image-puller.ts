/**
 * Pulls an image into the store: resolves the reference on the first endpoint that has it
 * (mirrors, then the registry), picks this platform's manifest from an index, fetches the
 * config, and downloads the layers (three at a time) while unpacking them in the same pass.
 * Every document and blob is checked against its digest; a layer already unpacked is never
 * fetched again, and two pulls of one layer share one download.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ImageRef } from './image-ref.js';
import type { PullProgress, RegistryAuth } from './image-service.js';
import { ImagePullError } from './image-service.js';
import type { ImageStore } from './image-store.js';
import type { LayerRecord, LayerWriter } from './layer-store.js';
import { pullLeaseId } from './lease-store.js';
import { layerCompression, parseManifest, type Descriptor, type ImageManifest, type OciImageConfig, type Platform } from './oci-types.js';
import { formatPlatform, hostPlatform, selectManifest } from './platform.js';
import { pullError, type PullStage } from './pull-errors.js';
import type { ImageRecord } from './ref-store.js';
import { resolveEndpoints, rewriteRepository, type RegistriesConfig } from './registries-config.js';
import { RegistryClient, type FetchedManifest } from './registry-client.js';
import { RegistryError } from './registry-error.js';
import { SingleFlight } from './singleflight.js';

export interface PullerOptions {
  /** The current registries.yaml (re-read per pull so edits apply without a restart). */
  registries: () => Promise<RegistriesConfig>;
  /** k3s `--disable-default-registry-endpoint`: with mirrors, never fall back to the registry itself. */
  disableDefaultEndpoint?: boolean;
  platform?: Platform;
  /** Layers downloaded at once (containerd's default is 3). */
  concurrency?: number;
}

export interface PullRequest {
  ref: ImageRef;
  /** Credentials to try in order (from pull secrets or `--creds`); none means anonymous or registries.yaml. */
  auth?: RegistryAuth[];
  onProgress?: (p: PullProgress) => void;
}

export class ImagePuller {
  private readonly layerFlights = new SingleFlight<LayerRecord>();

  constructor(
    private readonly store: ImageStore,
    private readonly opts: PullerOptions,
  ) {}

  /**
   * Pulls and records the image; resolves with its record. Throws ImagePullError.
   *
   * @example
   * const rec = await puller.pull({ ref: parseImageRef('127.0.0.1:5000/app:1') });
   */
  async pull(req: PullRequest): Promise<ImageRecord> {
    const ref = req.ref.ref;
    const leaseId = pullLeaseId(randomBytes(6).toString('hex'));
    const held = new Set<string>();
    const hold = async (...digests: string[]) => {
      for (const d of digests) held.add(d);
      await this.store.leases.put(leaseId, { digests: [...held] });
    };
    try {
      const { client, top } = await this.resolve(req);
      await hold(top.digest);
      await this.store.blobs.put(top.body, top.digest);
      const { manifest, manifestDigest } = await this.platformManifest(client, ref, top);
      await hold(manifestDigest, manifest.config.digest, ...manifest.layers.map((l) => l.digest));
      const config = await this.config(client, ref, manifest.config);
      const diffIDs = config.rootfs?.diff_ids ?? [];
      if (diffIDs.length !== manifest.layers.length) {
        throw pullError(ref, { kind: 'config' }, new Error(`image config lists ${diffIDs.length} layers but the manifest has ${manifest.layers.length}`));
      }
      await hold(...diffIDs);
      await mapLimit(manifest.layers, this.opts.concurrency ?? 3, (desc, i) => this.ensureLayer(client, ref, desc, diffIDs[i]!, req.onProgress));
      const record: ImageRecord = {
        ref,
        name: req.ref.name,
        tag: req.ref.tag,
        digest: top.digest,
        manifestDigest,
        configDigest: manifest.config.digest,
        createdAt: new Date().toISOString(),
        source: 'pull',
      };
      await this.store.refs.put(record);
      return record;
    } finally {
      await this.store.leases.delete(leaseId);
    }
  }

  /** Finds the first endpoint (and credential) that serves the reference. */
  private async resolve(req: PullRequest): Promise<{ client: RegistryClient; top: FetchedManifest }> {
    const ref = req.ref;
    const endpoints = await resolveEndpoints(await this.opts.registries(), ref.domain, { disableDefaultEndpoint: this.opts.disableDefaultEndpoint });
    const auths: (RegistryAuth | undefined)[] = req.auth && req.auth.length > 0 ? req.auth : [undefined];
    let last: unknown;
    for (const ep of endpoints) {
      for (const [i, auth] of auths.entries()) {
        const client = new RegistryClient(ep, rewriteRepository(ep, ref.path), auth);
        try {
          return { client, top: await client.getManifest(ref.digest ?? ref.tag ?? 'latest') };
        } catch (err) {
          last = err;
          // Another credential may open the door; anything else means: try the next endpoint.
          const denied = err instanceof RegistryError && err.unauthorized;
          if (!denied || i === auths.length - 1) break;
        }
      }
    }
    throw pullError(ref.ref, { kind: 'resolve' }, last);
  }

  private async platformManifest(client: RegistryClient, ref: string, top: FetchedManifest): Promise<{ manifest: ImageManifest; manifestDigest: string }> {
    let parsed;
    try {
      parsed = parseManifest(top.body, top.contentType);
    } catch (err) {
      throw pullError(ref, { kind: 'resolve' }, err);
    }
    if (parsed.kind === 'manifest') return { manifest: parsed.manifest, manifestDigest: top.digest };
    const platform = this.opts.platform ?? hostPlatform();
    const desc = selectManifest(parsed.index.manifests, platform);
    if (!desc) {
      throw pullError(ref, { kind: 'resolve' }, new Error(`no match for platform ${formatPlatform(platform)} in manifest ${top.digest}: not found`));
    }
    try {
      const fetched = await client.getManifest(desc.digest);
      const inner = parseManifest(fetched.body, fetched.contentType);
      if (inner.kind !== 'manifest') throw new Error(`${desc.digest} is a nested index, which is not supported`);
      await this.store.blobs.put(fetched.body, fetched.digest);
      return { manifest: inner.manifest, manifestDigest: fetched.digest };
    } catch (err) {
      throw pullError(ref, { kind: 'fetch', digest: desc.digest }, err);
    }
  }

  private async config(client: RegistryClient, ref: string, desc: Descriptor): Promise<OciImageConfig> {
    try {
      let data: Buffer;
      if (await this.store.blobs.has(desc.digest)) data = await this.store.blobs.read(desc.digest);
      else {
        data = await client.getBlobBuffer(desc.digest);
        await this.store.blobs.put(data, desc.digest);
      }
      const config = JSON.parse(data.toString('utf8')) as OciImageConfig;
      if (!config.rootfs || !Array.isArray(config.rootfs.diff_ids)) throw new Error('image config has no rootfs.diff_ids');
      return config;
    } catch (err) {
      throw pullError(ref, { kind: 'config' }, err);
    }
  }

  private async ensureLayer(client: RegistryClient, ref: string, desc: Descriptor, diffID: string, onProgress?: (p: PullProgress) => void): Promise<void> {
    const report = (done: number) => onProgress?.({ layer: desc.digest, done, total: desc.size });
    const existing = await this.store.layers.get(diffID);
    if (existing) {
      report(desc.size);
      return;
    }
    if (layerCompression(desc.mediaType) === 'unknown') {
      throw new ImagePullError(`failed to pull and unpack image ${JSON.stringify(ref)}: unsupported layer media type ${desc.mediaType}`, 'Content');
    }
    await this.layerFlights.do(diffID, async () => {
      if (await this.store.blobs.has(desc.digest)) return this.unpackLocal(ref, desc, diffID);
      return this.download(client, ref, desc, diffID, report);
    });
    report(desc.size);
  }

  private async unpackLocal(ref: string, desc: Descriptor, diffID: string): Promise<LayerRecord> {
    try {
      return await this.store.layers.unpack(diffID, createReadStream(this.store.blobs.path(desc.digest)));
    } catch (err) {
      throw pullError(ref, { kind: 'unpack', diffID }, err);
    }
  }

  /** Streams a layer blob into the blob store and, in the same pass, into its unpacked folder. */
  private async download(client: RegistryClient, ref: string, desc: Descriptor, diffID: string, report: (done: number) => void): Promise<LayerRecord> {
    let body: Readable;
    try {
      body = (await client.getBlob(desc.digest)).body;
    } catch (err) {
      throw pullError(ref, { kind: 'fetch', digest: desc.digest }, err);
    }
    const blob = await this.store.blobs.writer(desc.digest, desc.size);
    let layer: LayerWriter;
    try {
      layer = await this.store.layers.open(diffID);
    } catch (err) {
      body.destroy();
      await blob.abort();
      throw pullError(ref, { kind: 'unpack', diffID }, err);
    }
    let stage: PullStage = { kind: 'fetch', digest: desc.digest };
    try {
      let done = 0;
      for await (const chunk of body) {
        const buf = chunk as Buffer;
        stage = { kind: 'fetch', digest: desc.digest };
        await blob.write(buf);
        stage = { kind: 'unpack', diffID };
        await layer.write(buf);
        done += buf.length;
        report(done);
      }
      stage = { kind: 'fetch', digest: desc.digest };
      await blob.commit();
    } catch (err) {
      body.destroy();
      await blob.abort();
      await layer.abort();
      throw pullError(ref, stage, err);
    }
    try {
      return await layer.commit();
    } catch (err) {
      throw pullError(ref, { kind: 'unpack', diffID }, err);
    }
  }
}

/** Runs `fn` over items with at most `limit` running; rejects with the first failure after all settle. */
async function mapLimit<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.err;
}
