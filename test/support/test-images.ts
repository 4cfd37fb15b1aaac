/**
 * Builds real OCI (or Docker v2) images without a network, from Debian's `busybox-static`
 * binary: a rootfs with `/bin/busybox`, its applet symlinks, `/etc/passwd` and `/etc/group`,
 * plus layers of your own (whiteouts included). Images are built in memory and can be pushed
 * to a registry through the distribution API (monolithic blob uploads, manifest PUT) or
 * written as `docker save` and OCI-layout tars — so every engineer can run real containers
 * from them.
 *
 * @example
 * const img = await buildBusyboxImage();
 * await pushImage(registry.url, 'k8ts/busybox', 'test', img);
 * // pods can now use `${registry.host}/k8ts/busybox:test`
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export const BUSYBOX_BIN = process.env.K8TS_BUSYBOX_BIN ?? '/bin/busybox';

const EPOCH = new Date('2024-01-01T00:00:00Z');

export type LayerEntry =
  | { type: 'dir'; path: string; mode?: number; uid?: number; gid?: number }
  | { type: 'file'; path: string; content: Buffer | string; mode?: number; uid?: number; gid?: number }
  | { type: 'symlink'; path: string; target: string; uid?: number; gid?: number }
  | { type: 'link'; path: string; target: string }
  /** Deletes `path` from the layers below (an OCI `.wh.` entry). */
  | { type: 'whiteout'; path: string }
  /** Hides everything the layers below have in directory `path` (`.wh..wh..opq`). */
  | { type: 'opaque'; path: string };

export interface BuiltLayer {
  /** The uncompressed tar. */
  tar: Buffer;
  /** The blob as pushed (gzip unless built with compression 'none'). */
  blob: Buffer;
  digest: string;
  diffID: string;
  mediaType: string;
}

export interface ImageConfigSpec {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, object>;
  Labels?: Record<string, string>;
}

export interface BuiltImage {
  manifest: Buffer;
  manifestDigest: string;
  manifestMediaType: string;
  config: Buffer;
  configDigest: string;
  layers: BuiltLayer[];
}

export interface BuildOptions {
  config?: ImageConfigSpec;
  /** Manifest flavour: OCI (default) or Docker v2 schema 2. */
  format?: 'oci' | 'docker';
  compression?: 'gzip' | 'none';
  architecture?: string;
  os?: string;
}

export const defaultPath = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Packs entries (in order) into a tar with fixed times and root ownership unless given. */
export async function buildLayer(entries: LayerEntry[], opts: { compression?: 'gzip' | 'none'; format?: 'oci' | 'docker' } = {}): Promise<BuiltLayer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const put = (header: Parameters<typeof pack.entry>[0], body?: Buffer) =>
    new Promise<void>((resolve, reject) => pack.entry({ mtime: EPOCH, uid: 0, gid: 0, ...header }, body ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve())));
  for (const e of entries) {
    const name = e.path.replace(/^\/+/, '');
    const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : '';
    const base = name.slice(dir.length);
    if (e.type === 'dir') await put({ name: `${name}/`, type: 'directory', mode: e.mode ?? 0o755, uid: e.uid, gid: e.gid });
    else if (e.type === 'file') await put({ name, type: 'file', mode: e.mode ?? 0o644, uid: e.uid, gid: e.gid }, Buffer.from(e.content));
    else if (e.type === 'symlink') await put({ name, type: 'symlink', linkname: e.target, mode: 0o777, uid: e.uid, gid: e.gid });
    else if (e.type === 'link') await put({ name, type: 'link', linkname: e.target.replace(/^\/+/, ''), mode: 0o644 });
    else if (e.type === 'whiteout') await put({ name: `${dir}.wh.${base}`, type: 'file', mode: 0o644 });
    else await put({ name: `${name}/.wh..wh..opq`, type: 'file', mode: 0o644 });
  }
  pack.finalize();
  await done;
  const tarBuf = Buffer.concat(chunks);
  const gz = (opts.compression ?? 'gzip') === 'gzip';
  const blob = gz ? gzipSync(tarBuf, { level: 1 }) : tarBuf;
  const docker = opts.format === 'docker';
  const mediaType = gz
    ? docker
      ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
      : 'application/vnd.oci.image.layer.v1.tar+gzip'
    : 'application/vnd.oci.image.layer.v1.tar';
  return { tar: tarBuf, blob, digest: sha256(blob), diffID: sha256(tarBuf), mediaType };
}

/** An image from layer entry lists, lowest layer first. */
export async function buildImage(layerEntries: LayerEntry[][], opts: BuildOptions = {}): Promise<BuiltImage> {
  const layers: BuiltLayer[] = [];
  for (const entries of layerEntries) layers.push(await buildLayer(entries, { compression: opts.compression, format: opts.format }));
  return assembleImage(layers, opts);
}

/** Wraps built layers in a config and manifest. */
export function assembleImage(layers: BuiltLayer[], opts: BuildOptions = {}): BuiltImage {
  const docker = opts.format === 'docker';
  const config = Buffer.from(
    JSON.stringify({
      architecture: opts.architecture ?? 'amd64',
      os: opts.os ?? 'linux',
      created: EPOCH.toISOString(),
      config: { Env: [defaultPath], Cmd: ['sh'], ...(opts.config ?? {}) },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffID) },
      history: layers.map(() => ({ created: EPOCH.toISOString(), created_by: 'k8ts test image builder' })),
    }),
  );
  const manifestMediaType = docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: manifestMediaType,
      config: { mediaType: docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.blob.length })),
    }),
  );
  return { manifest, manifestDigest: sha256(manifest), manifestMediaType, config, configDigest: sha256(config), layers };
}

/** The busybox rootfs: `/bin/busybox`, every applet as a symlink, users and groups, the usual folders. */
export function busyboxRootfs(): LayerEntry[] {
  const binary = readFileSync(BUSYBOX_BIN);
  const applets = execFileSync(BUSYBOX_BIN, ['--list-full'], { encoding: 'utf8' })
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'bin/busybox');
  const dirs = ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'etc', 'home', 'var', 'var/log', 'proc', 'sys', 'dev', 'run'];
  return [
    ...dirs.map((path): LayerEntry => ({ type: 'dir', path })),
    { type: 'dir', path: 'root', mode: 0o700 },
    { type: 'dir', path: 'tmp', mode: 0o1777 },
    { type: 'file', path: 'bin/busybox', content: binary, mode: 0o755 },
    ...applets.map((path): LayerEntry => ({ type: 'symlink', path, target: '/bin/busybox' })),
    { type: 'file', path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' },
    { type: 'file', path: 'etc/group', content: 'root:x:0:\nnogroup:x:65534:\n' },
    { type: 'file', path: 'etc/hostname', content: 'k8ts\n' },
  ];
}

/** What the default busybox image's upper layers do, for tests to check. */
export const busyboxImageFacts = {
  /** Present in layer 2, deleted by a whiteout in layer 3. */
  removedFile: 'app/remove-me',
  /** Filled in layer 2, made opaque in layer 3 with only `fresh.txt` left. */
  opaqueDir: 'app/cache',
  keptFile: 'app/hello.txt',
  keptContent: 'hello from k8ts\n',
  /** A hard link to keptFile, and a setuid file owned by 1000:1000. */
  hardLink: 'app/hello-link.txt',
  setuidFile: 'app/suid-tool',
};

/**
 * The standard test image: the busybox rootfs, an app layer, and a layer with a whiteout
 * and an opaque directory. Entrypoint/Cmd/Env/WorkingDir/User can be overridden.
 */
export async function buildBusyboxImage(opts: BuildOptions & { extraLayers?: LayerEntry[][] } = {}): Promise<BuiltImage> {
  const f = busyboxImageFacts;
  const app: LayerEntry[] = [
    { type: 'dir', path: 'app' },
    { type: 'file', path: f.keptFile, content: f.keptContent },
    { type: 'link', path: f.hardLink, target: f.keptFile },
    { type: 'file', path: f.removedFile, content: 'this file is deleted by the next layer\n' },
    { type: 'dir', path: f.opaqueDir },
    { type: 'file', path: `${f.opaqueDir}/old-1.txt`, content: 'old\n' },
    { type: 'file', path: `${f.opaqueDir}/old-2.txt`, content: 'old\n' },
    { type: 'file', path: f.setuidFile, content: '#!/bin/sh\necho tool\n', mode: 0o4755, uid: 1000, gid: 1000 },
    { type: 'file', path: 'etc/motd', content: 'k8ts test image\n' },
  ];
  const whiteouts: LayerEntry[] = [
    { type: 'dir', path: 'app' },
    { type: 'whiteout', path: f.removedFile },
    { type: 'dir', path: f.opaqueDir },
    { type: 'opaque', path: f.opaqueDir },
    { type: 'file', path: `${f.opaqueDir}/fresh.txt`, content: 'fresh\n' },
  ];
  const layers = [await busyboxRootfsLayer(opts)];
  for (const entries of [app, whiteouts, ...(opts.extraLayers ?? [])]) layers.push(await buildLayer(entries, opts));
  return assembleImage(layers, {
    ...opts,
    config: { Env: [defaultPath, 'K8TS_TEST_IMAGE=busybox'], Cmd: ['sh'], WorkingDir: '/', ...(opts.config ?? {}) },
  });
}

const rootfsLayers = new Map<string, Promise<BuiltLayer>>();

/** The busybox rootfs as a layer, built once per process and flavour (gzip of 2 MB takes a while). */
export function busyboxRootfsLayer(opts: { compression?: 'gzip' | 'none'; format?: 'oci' | 'docker' } = {}): Promise<BuiltLayer> {
  const key = `${opts.format ?? 'oci'}/${opts.compression ?? 'gzip'}`;
  let layer = rootfsLayers.get(key);
  if (!layer) {
    layer = buildLayer(busyboxRootfs(), opts);
    rootfsLayers.set(key, layer);
  }
  return layer;
}

/**
 * The benchmark image: the busybox rootfs plus `layers - 1` layers of `layerBytes` random
 * (incompressible) bytes each, in a few files per layer.
 */
export async function buildBenchImage(layers = 5, layerBytes = 8 * 1024 * 1024): Promise<BuiltImage> {
  const built: LayerEntry[][] = [];
  for (let i = 1; i < layers; i++) {
    const files: LayerEntry[] = [{ type: 'dir', path: 'data' }, { type: 'dir', path: `data/layer-${i}` }];
    const per = Math.ceil(layerBytes / 4);
    for (let j = 0; j < 4; j++) files.push({ type: 'file', path: `data/layer-${i}/blob-${j}.bin`, content: randomBytes(per) });
    for (let j = 0; j < 50; j++) files.push({ type: 'file', path: `data/layer-${i}/small-${j}.txt`, content: `layer ${i} file ${j}\n` });
    built.push(files);
  }
  const out = [await busyboxRootfsLayer()];
  for (const entries of built) out.push(await buildLayer(entries));
  return assembleImage(out);
}

export interface IndexEntry {
  image: BuiltImage;
  platform: { os: string; architecture: string; variant?: string };
}

/** An OCI index (or Docker manifest list) over images already built for each platform. */
export function buildIndex(entries: IndexEntry[], format: 'oci' | 'docker' = 'oci'): { body: Buffer; digest: string; mediaType: string } {
  const mediaType = format === 'docker' ? 'application/vnd.docker.distribution.manifest.list.v2+json' : 'application/vnd.oci.image.index.v1+json';
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      manifests: entries.map((e) => ({ mediaType: e.image.manifestMediaType, digest: e.image.manifestDigest, size: e.image.manifest.length, platform: e.platform })),
    }),
  );
  return { body, digest: sha256(body), mediaType };
}

/** A multi-arch busybox image: linux/arm64 and linux/amd64 variants that differ in one file. */
export async function buildMultiArchImages(format: 'oci' | 'docker' = 'oci'): Promise<{ entries: IndexEntry[]; index: ReturnType<typeof buildIndex> }> {
  const make = async (architecture: string) =>
    buildBusyboxImage({ format, architecture, extraLayers: [[{ type: 'file', path: 'etc/arch', content: `${architecture}\n` }]] });
  const entries: IndexEntry[] = [
    { image: await make('arm64'), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { image: await make('amd64'), platform: { os: 'linux', architecture: 'amd64' } },
  ];
  return { entries, index: buildIndex(entries, format) };
}

export interface PushAuth {
  username: string;
  password: string;
}

/** Pushes an image's blobs and manifest; returns the manifest digest. */
export async function pushImage(registryUrl: string, repo: string, tag: string, image: BuiltImage, auth?: PushAuth): Promise<string> {
  const authz = await authorization(registryUrl, repo, auth);
  for (const l of image.layers) await pushBlob(registryUrl, repo, l.blob, l.digest, authz);
  await pushBlob(registryUrl, repo, image.config, image.configDigest, authz);
  await putManifest(registryUrl, repo, tag, image.manifest, image.manifestMediaType, authz);
  return image.manifestDigest;
}

/** Pushes every platform image by digest and the index under `tag`; returns the index digest. */
export async function pushIndex(registryUrl: string, repo: string, tag: string, entries: IndexEntry[], index: ReturnType<typeof buildIndex>, auth?: PushAuth): Promise<string> {
  const authz = await authorization(registryUrl, repo, auth);
  for (const e of entries) {
    for (const l of e.image.layers) await pushBlob(registryUrl, repo, l.blob, l.digest, authz);
    await pushBlob(registryUrl, repo, e.image.config, e.image.configDigest, authz);
    await putManifest(registryUrl, repo, e.image.manifestDigest, e.image.manifest, e.image.manifestMediaType, authz);
  }
  await putManifest(registryUrl, repo, tag, index.body, index.mediaType, authz);
  return index.digest;
}

async function pushBlob(registryUrl: string, repo: string, data: Buffer, digest: string, authz: Record<string, string>): Promise<void> {
  const head = await fetch(`${registryUrl}/v2/${repo}/blobs/${digest}`, { method: 'HEAD', headers: authz });
  if (head.status === 200) return;
  const start = await fetch(`${registryUrl}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: authz });
  await start.arrayBuffer();
  if (start.status !== 202) throw new Error(`starting an upload to ${repo} failed: ${start.status}`);
  const location = new URL(start.headers.get('location')!, registryUrl);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', headers: { ...authz, 'Content-Type': 'application/octet-stream', 'Content-Length': String(data.length) }, body: new Uint8Array(data) });
  const text = await put.text();
  if (put.status !== 201) throw new Error(`uploading ${digest} to ${repo} failed: ${put.status} ${text}`);
}

async function putManifest(registryUrl: string, repo: string, reference: string, body: Buffer, mediaType: string, authz: Record<string, string>): Promise<void> {
  const res = await fetch(`${registryUrl}/v2/${repo}/manifests/${reference}`, { method: 'PUT', headers: { ...authz, 'Content-Type': mediaType }, body: new Uint8Array(body) });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`putting manifest ${repo}:${reference} failed: ${res.status} ${text}`);
}

/** Basic credentials, or a push token when the registry challenges with Bearer. */
async function authorization(registryUrl: string, repo: string, auth?: PushAuth): Promise<Record<string, string>> {
  if (!auth) return {};
  const basic = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const ping = await fetch(`${registryUrl}/v2/`);
  await ping.arrayBuffer();
  const challenge = ping.headers.get('www-authenticate') ?? '';
  if (!/^Bearer /i.test(challenge)) return { Authorization: basic };
  const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  const url = new URL(params.realm!);
  url.searchParams.set('service', params.service ?? '');
  url.searchParams.set('scope', `repository:${repo}:pull,push`);
  const res = await fetch(url, { headers: { Authorization: basic } });
  if (res.status !== 200) throw new Error(`token for push failed: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  return { Authorization: `Bearer ${token}` };
}

/** A `docker save`-shaped tar: `manifest.json`, `<config>.json`, `<id>/layer.tar` (uncompressed), `repositories`. */
export async function dockerArchiveTar(images: { image: BuiltImage; repoTags: string[] }[]): Promise<Buffer> {
  const files: { name: string; data: Buffer }[] = [];
  const manifest: { Config: string; RepoTags: string[]; Layers: string[] }[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { image, repoTags } of images) {
    const configName = `${image.configDigest.slice(7)}.json`;
    files.push({ name: configName, data: image.config });
    const layerNames: string[] = [];
    for (const l of image.layers) {
      const id = l.diffID.slice(7);
      files.push({ name: `${id}/VERSION`, data: Buffer.from('1.0') }, { name: `${id}/layer.tar`, data: l.tar });
      layerNames.push(`${id}/layer.tar`);
    }
    manifest.push({ Config: configName, RepoTags: repoTags, Layers: layerNames });
    for (const t of repoTags) {
      const i = t.lastIndexOf(':');
      (repositories[t.slice(0, i)] ??= {})[t.slice(i + 1)] = image.layers[image.layers.length - 1]!.diffID.slice(7);
    }
  }
  files.push({ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) }, { name: 'repositories', data: Buffer.from(JSON.stringify(repositories)) });
  return tarOf(files);
}

/** An OCI image layout tar (`oci-layout`, `index.json`, `blobs/sha256/…`), naming each image by annotation. */
export async function ociLayoutTar(images: { image: BuiltImage; refName: string }[]): Promise<Buffer> {
  const blobs = new Map<string, Buffer>();
  for (const { image } of images) {
    blobs.set(image.manifestDigest, image.manifest);
    blobs.set(image.configDigest, image.config);
    for (const l of image.layers) blobs.set(l.digest, l.blob);
  }
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: images.map(({ image, refName }) => ({
      mediaType: image.manifestMediaType,
      digest: image.manifestDigest,
      size: image.manifest.length,
      annotations: { 'org.opencontainers.image.ref.name': refName },
    })),
  };
  return tarOf([
    { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    { name: 'index.json', data: Buffer.from(JSON.stringify(index)) },
    ...[...blobs].map(([digest, data]) => ({ name: `blobs/sha256/${digest.slice(7)}`, data })),
  ]);
}

async function tarOf(files: { name: string; data: Buffer }[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', resolve);
  });
  for (const f of files) {
    await new Promise<void>((resolve, reject) => pack.entry({ name: f.name, mtime: EPOCH, mode: 0o644 }, f.data, (err) => (err ? reject(err) : resolve())));
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}
