/**
 * `k8ts image import FILE.tar`: loads images from a `docker save` archive (`manifest.json`
 * with Config/RepoTags/Layers) or an OCI image layout tar (`oci-layout`, `index.json`,
 * `blobs/`), plain or gzipped. Every blob is hashed; layers are unpacked and checked against
 * the config's diffIDs exactly as pulled ones are.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readArchive, type ArchiveContents } from './archive-reader.js';
import { parseImageRef } from './image-ref.js';
import type { ImageStore } from './image-store.js';
import { pullLeaseId } from './lease-store.js';
import { mediaTypes, parseManifest, type Descriptor, type ImageManifest, type OciImageConfig, type Platform } from './oci-types.js';
import { hostPlatform, selectManifest } from './platform.js';
import type { ImageRecord } from './ref-store.js';
import { tempName } from './temp-names.js';

export interface ImportOptions {
  /** Name for images the archive does not name, or the repository for tag-only OCI names. */
  baseName?: string;
  platform?: Platform;
}

interface DockerArchiveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/**
 * Imports every image in the archive; resolves with the references created.
 *
 * @example
 * const records = await importArchive(store, 'busybox.tar');
 */
export async function importArchive(store: ImageStore, file: string, opts: ImportOptions = {}): Promise<ImageRecord[]> {
  const work = join(store.blobs.ingestDir, tempName());
  const leaseId = pullLeaseId(randomBytes(6).toString('hex'));
  try {
    const contents = await readArchive(file, work);
    const importer = new Importer(store, contents, opts, leaseId);
    if (contents.has('manifest.json')) {
      const entries = await contents.json<DockerArchiveEntry[]>('manifest.json');
      if (Array.isArray(entries) && entries.some((e) => (e.RepoTags ?? []).length > 0) ) return await importer.dockerArchive(entries);
      if (!contents.has('index.json') && Array.isArray(entries)) return await importer.dockerArchive(entries);
    }
    if (contents.has('index.json')) return await importer.ociLayout();
    throw new Error('not an image archive: it has neither manifest.json (docker save) nor index.json (OCI layout)');
  } finally {
    await store.leases.delete(leaseId);
    await rm(work, { recursive: true, force: true });
  }
}

class Importer {
  private readonly adopted = new Map<string, string>();
  private readonly held = new Set<string>();

  constructor(
    private readonly store: ImageStore,
    private readonly contents: ArchiveContents,
    private readonly opts: ImportOptions,
    private readonly leaseId: string,
  ) {}

  /** Keeps what the import has stored so far safe from a concurrent `prune` until the names exist. */
  private async hold(digest: string): Promise<void> {
    this.held.add(digest);
    await this.store.leases.put(this.leaseId, { digests: [...this.held] });
  }

  async dockerArchive(entries: DockerArchiveEntry[]): Promise<ImageRecord[]> {
    const out: ImageRecord[] = [];
    for (const e of entries) {
      const configData = await this.contents.read(e.Config);
      const configDigest = await this.store.blobs.put(configData);
      await this.hold(configDigest);
      const config = JSON.parse(configData.toString('utf8')) as OciImageConfig;
      const diffIDs = config.rootfs?.diff_ids ?? [];
      if (diffIDs.length !== e.Layers.length) throw new Error(`${e.Config} lists ${diffIDs.length} layers but the archive has ${e.Layers.length}`);
      const layers: Descriptor[] = [];
      for (const [i, layerName] of e.Layers.entries()) {
        const f = this.contents.file(layerName);
        if (!f) throw new Error(`archive has no layer ${layerName}`);
        const digest = await this.adopt(f.path);
        const gz = await isGzip(this.store.blobs.path(digest));
        layers.push({ mediaType: gz ? mediaTypes.ociLayerGzip : mediaTypes.ociLayer, digest, size: f.size });
        await this.unpack(digest, diffIDs[i]!);
      }
      const manifest: ImageManifest = {
        schemaVersion: 2,
        mediaType: mediaTypes.ociManifest,
        config: { mediaType: mediaTypes.ociConfig, digest: configDigest, size: configData.length },
        layers,
      };
      const manifestDigest = await this.store.blobs.put(Buffer.from(JSON.stringify(manifest)));
      await this.hold(manifestDigest);
      const names = (e.RepoTags ?? []).length > 0 ? e.RepoTags! : [this.requireBaseName(e.Config)];
      for (const name of names) out.push(await this.record(name, manifestDigest, manifestDigest, configDigest));
    }
    return out;
  }

  async ociLayout(): Promise<ImageRecord[]> {
    const indexData = await this.contents.read('index.json');
    const index = parseManifest(indexData, mediaTypes.ociIndex);
    if (index.kind !== 'index') throw new Error('index.json is not an image index');
    const out: ImageRecord[] = [];
    for (const top of index.index.manifests) {
      const { manifestDigest, manifest } = await this.resolveTop(top);
      const configDigest = await this.adoptBlob(manifest.config.digest);
      const config = await this.store.config(configDigest);
      const diffIDs = config.rootfs?.diff_ids ?? [];
      if (diffIDs.length !== manifest.layers.length) throw new Error(`image config lists ${diffIDs.length} layers but the manifest has ${manifest.layers.length}`);
      for (const [i, layer] of manifest.layers.entries()) {
        await this.adoptBlob(layer.digest);
        await this.unpack(layer.digest, diffIDs[i]!);
      }
      out.push(await this.record(this.ociName(top), top.digest, manifestDigest, configDigest));
    }
    return out;
  }

  /** An index entry is a manifest, or an index whose entry for this platform is. */
  private async resolveTop(top: Descriptor): Promise<{ manifestDigest: string; manifest: ImageManifest }> {
    await this.adoptBlob(top.digest);
    const parsed = parseManifest(await this.store.blobs.read(top.digest), top.mediaType);
    if (parsed.kind === 'manifest') return { manifestDigest: top.digest, manifest: parsed.manifest };
    const desc = selectManifest(parsed.index.manifests, this.opts.platform ?? hostPlatform());
    if (!desc) throw new Error(`no manifest for this platform in ${top.digest}`);
    await this.adoptBlob(desc.digest);
    const inner = parseManifest(await this.store.blobs.read(desc.digest), desc.mediaType);
    if (inner.kind !== 'manifest') throw new Error(`${desc.digest} is a nested index, which is not supported`);
    return { manifestDigest: desc.digest, manifest: inner.manifest };
  }

  /** containerd's full name annotation, else the OCI ref name (a full reference, or a tag for `baseName`). */
  private ociName(top: Descriptor): string {
    const a = top.annotations ?? {};
    const full = a['io.containerd.image.name'];
    if (full) return full;
    const refName = a['org.opencontainers.image.ref.name'];
    if (refName && /[/:@]/.test(refName)) return refName;
    if (refName && this.opts.baseName) return `${this.opts.baseName.replace(/:[^/]*$/, '')}:${refName}`;
    return this.requireBaseName(top.digest);
  }

  private requireBaseName(what: string): string {
    if (!this.opts.baseName) throw new Error(`the archive does not name the image ${what}; give one with --base-name`);
    return this.opts.baseName;
  }

  private async adoptBlob(digest: string): Promise<string> {
    if (await this.store.blobs.has(digest)) return digest;
    const [algorithm, hex] = digest.split(':');
    const f = this.contents.file(`blobs/${algorithm}/${hex}`);
    if (!f) throw new Error(`archive has no blob ${digest}`);
    return this.adopt(f.path, digest);
  }

  private async adopt(path: string, expected?: string): Promise<string> {
    const known = this.adopted.get(path);
    if (known) return known;
    if (expected) await this.hold(expected);
    const digest = await this.store.blobs.adopt(path, expected);
    await this.hold(digest);
    this.adopted.set(path, digest);
    return digest;
  }

  private async unpack(blobDigest: string, diffID: string): Promise<void> {
    await this.hold(diffID);
    if (await this.store.layers.get(diffID)) return;
    await this.store.layers.unpack(diffID, createReadStream(this.store.blobs.path(blobDigest)));
  }

  private async record(name: string, digest: string, manifestDigest: string, configDigest: string): Promise<ImageRecord> {
    const ref = parseImageRef(name);
    const rec: ImageRecord = { ref: ref.ref, name: ref.name, tag: ref.tag, digest, manifestDigest, configDigest, createdAt: new Date().toISOString(), source: 'import' };
    await this.store.refs.put(rec);
    return rec;
  }
}

async function isGzip(path: string): Promise<boolean> {
  for await (const chunk of createReadStream(path, { start: 0, end: 1 })) {
    const b = chunk as Buffer;
    return b[0] === 0x1f && b[1] === 0x8b;
  }
  return false;
}

