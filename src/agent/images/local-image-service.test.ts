// Pulls from a real registry (Debian's docker-registry on 127.0.0.1, plain HTTP): OCI and
// Docker v2 manifests, multi-arch indexes, pull policies, mirrors from registries.yaml,
// concurrent pulls, a missing image and a damaged blob.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.js';
import { buildBusyboxImage, buildImage, buildMultiArchImages, busyboxImageFacts, pushImage, pushIndex, type BuiltImage } from '../../../test/support/test-images.js';
import { ImagePullError } from './image-service.js';
import { LocalImageService } from './local-image-service.js';
import { parseRegistriesConfig } from './registries-config.js';

let registry: TestRegistry;
let work: string;
let busybox: BuiltImage;
let n = 0;

/** A fresh, empty store per test. */
function open(opts: Parameters<typeof LocalImageService.open>[0] = {}): Promise<LocalImageService> {
  return LocalImageService.open({ root: join(work, `store-${n++}`), ...opts });
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'k8ts-images-test-'));
  registry = await startRegistry();
  busybox = await buildBusyboxImage({ config: { Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo hi'], WorkingDir: '/app', User: '1000:1000', ExposedPorts: { '8080/tcp': {} } } });
  await pushImage(registry.url, 'k8ts/busybox', '1.0', busybox);
  await pushImage(registry.url, 'k8ts/busybox', 'latest', busybox);
});

after(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('pulls an OCI image: layers unpacked, config and imageID as the kubelet reports them', async () => {
  const images = await open();
  const progress: number[] = [];
  const info = await images.ensureImage(`${registry.host}/k8ts/busybox:1.0`, 'IfNotPresent', { onProgress: (p) => progress.push(p.done) });
  assert.equal(info.ref, `${registry.host}/k8ts/busybox:1.0`);
  assert.equal(info.imageID, `${registry.host}/k8ts/busybox@${busybox.manifestDigest}`);
  assert.equal(info.configDigest, busybox.configDigest);
  assert.deepEqual(info.config, {
    entrypoint: ['/bin/sh', '-c'],
    cmd: ['echo hi'],
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'K8TS_TEST_IMAGE=busybox'],
    workingDir: '/app',
    user: '1000:1000',
    exposedPorts: ['8080/tcp'],
  });
  assert.equal(info.layers.length, 3);
  assert.ok(existsSync(join(info.layers[0]!, 'bin/busybox')));
  assert.ok(info.size > 1_000_000);
  assert.ok(progress.length >= 3, 'progress was reported');
  // Content-addressed: every blob is stored under its digest.
  for (const l of busybox.layers) assert.ok(existsSync(join(images.root, 'blobs/sha256', l.digest.slice(7))));
  assert.deepEqual(readdirSync(join(images.root, 'ingest')), []);
  assert.deepEqual((await images.listImages()).map((i) => i.ref), [info.ref]);
  // The pulled layers, stacked by a real overlayfs mount, show the whiteout layer's effect.
  const merged = join(work, `k8ts-merged-${n++}`);
  mkdirSync(merged);
  execFileSync('mount', ['-t', 'overlay', 'k8ts-images-test', '-o', `lowerdir=${[...info.layers].reverse().join(':')}`, merged]);
  try {
    assert.equal(existsSync(join(merged, busyboxImageFacts.removedFile)), false);
    assert.deepEqual(readdirSync(join(merged, busyboxImageFacts.opaqueDir)), ['fresh.txt']);
    assert.equal(readFileSync(join(merged, busyboxImageFacts.keptFile), 'utf8'), busyboxImageFacts.keptContent);
  } finally {
    execFileSync('umount', [merged]);
  }
});

test('pull policies: IfNotPresent reuses, Never refuses what is missing, Always re-resolves', async () => {
  const images = await open();
  const ref = `${registry.host}/k8ts/busybox:1.0`;
  await assert.rejects(images.ensureImage(ref, 'Never'), (err: unknown) => {
    assert.ok(err instanceof ImagePullError);
    assert.equal(err.reason, 'NeverPull');
    assert.equal(err.message, `Container image "${ref}" is not present with pull policy of Never`);
    return true;
  });
  const first = await images.ensureImage(ref, 'IfNotPresent');
  assert.deepEqual(await images.ensureImage(ref, 'Never'), first);
  // The same image by digest is present too.
  const byDigest = await images.ensureImage(`${registry.host}/k8ts/busybox@${busybox.manifestDigest}`, 'Never');
  assert.equal(byDigest.configDigest, busybox.configDigest);
  assert.equal(byDigest.imageID, first.imageID);
  // With the registry's copy retagged, IfNotPresent keeps the local image, Always takes the new one.
  const other = await buildImage([[{ type: 'file', path: 'v2', content: '2' }]]);
  await pushImage(registry.url, 'k8ts/busybox', '1.0', other);
  try {
    assert.equal((await images.ensureImage(ref, 'IfNotPresent')).configDigest, busybox.configDigest);
    assert.equal((await images.ensureImage(ref, 'Always')).configDigest, other.configDigest);
  } finally {
    await pushImage(registry.url, 'k8ts/busybox', '1.0', busybox);
  }
});

test('a missing image fails with the registry\'s reason', async () => {
  const images = await open();
  const ref = `${registry.host}/k8ts/does-not-exist:1`;
  await assert.rejects(images.ensureImage(ref, 'IfNotPresent'), (err: unknown) => {
    assert.ok(err instanceof ImagePullError);
    assert.equal(err.reason, 'NotFound');
    assert.equal(err.message, `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found: manifest unknown: manifest unknown`);
    return true;
  });
  await assert.rejects(images.ensureImage(`${registry.host}/k8ts/busybox:nope`, 'Always'), /not found: manifest unknown: manifest unknown$/);
  await assert.rejects(images.ensureImage('Not/Valid', 'Always'), (err: unknown) => {
    assert.ok(err instanceof ImagePullError);
    assert.equal(err.reason, 'Invalid');
    assert.equal(err.message, 'Failed to apply default image tag "Not/Valid": couldn\'t parse image name "Not/Valid": invalid reference format: repository name (Valid) must be lowercase');
    return true;
  });
  assert.deepEqual(await images.listImages(), []);
});

test('multi-arch index (OCI and Docker manifest list): linux/amd64 is chosen', async () => {
  for (const format of ['oci', 'docker'] as const) {
    const { entries, index } = await buildMultiArchImages(format);
    await pushIndex(registry.url, 'k8ts/multi', format, entries, index);
    const images = await open({ platform: { os: 'linux', architecture: 'amd64' } });
    const info = await images.ensureImage(`${registry.host}/k8ts/multi:${format}`, 'IfNotPresent');
    assert.equal(info.imageID, `${registry.host}/k8ts/multi@${index.digest}`, 'imageID names the index');
    assert.equal(readFileSync(join(info.layers.at(-1)!, 'etc/arch'), 'utf8'), 'amd64\n');
    const arm = await open({ platform: { os: 'linux', architecture: 'arm64' } });
    assert.equal(readFileSync(join((await arm.ensureImage(`${registry.host}/k8ts/multi:${format}`, 'Always')).layers.at(-1)!, 'etc/arch'), 'utf8'), 'arm64\n');
    const s390 = await open({ platform: { os: 'linux', architecture: 's390x' } });
    await assert.rejects(s390.ensureImage(`${registry.host}/k8ts/multi:${format}`, 'Always'), /no match for platform linux\/s390x in manifest sha256:/);
  }
});

test('Docker v2 schema 2 images with uncompressed and gzip layers; pull by digest', async () => {
  const docker = await buildBusyboxImage({ format: 'docker' });
  await pushImage(registry.url, 'k8ts/docker-format', 'v1', docker);
  const plain = await buildImage([[{ type: 'file', path: 'plain.txt', content: 'uncompressed layer' }]], { compression: 'none' });
  await pushImage(registry.url, 'k8ts/plain', 'v1', plain);
  const images = await open();
  const a = await images.ensureImage(`${registry.host}/k8ts/docker-format:v1`, 'IfNotPresent');
  assert.equal(a.configDigest, docker.configDigest);
  const b = await images.ensureImage(`${registry.host}/k8ts/plain@${plain.manifestDigest}`, 'IfNotPresent');
  assert.equal(readFileSync(join(b.layers[0]!, 'plain.txt'), 'utf8'), 'uncompressed layer');
  assert.equal(b.imageID, `${registry.host}/k8ts/plain@${plain.manifestDigest}`);
  // The busybox base layer is shared with the docker-format image: unpacked once.
  const c = await images.ensureImage(`${registry.host}/k8ts/busybox:1.0`, 'IfNotPresent');
  assert.equal(c.layers[0], a.layers[0]);
});

test('concurrent pulls of one image share one download', async () => {
  const images = await open();
  const ref = `${registry.host}/k8ts/busybox:1.0`;
  const results = await Promise.all(Array.from({ length: 5 }, () => images.ensureImage(ref, 'Always')));
  assert.ok(results.every((r) => r.configDigest === busybox.configDigest));
  // Two stores pulling at once into the same folder (two processes would) both succeed.
  const root = join(work, `shared-${n++}`);
  const [x, y] = await Promise.all([LocalImageService.open({ root }), LocalImageService.open({ root })]);
  const [rx, ry] = await Promise.all([x.ensureImage(ref, 'Always'), y.ensureImage(ref, 'Always')]);
  assert.deepEqual(rx.layers, ry.layers);
  assert.deepEqual(readdirSync(join(root, 'layers/tmp')), []);
});

test('a pull without credentials does not share a concurrent pull that has them', async () => {
  const user = { username: 'k8ts', password: 'secret' };
  const secured = await startRegistry({ htpasswd: [user] });
  try {
    await pushImage(secured.url, 'k8ts/private', '1', busybox, user);
    const images = await open();
    const ref = `${secured.host}/k8ts/private:1`;
    const [withCreds, without] = await Promise.allSettled([images.ensureImage(ref, 'Always', { auth: [user] }), images.ensureImage(ref, 'Always')]);
    assert.equal(withCreds.status, 'fulfilled');
    assert.equal(without.status, 'rejected');
    assert.match(String((without as PromiseRejectedResult).reason), /unauthorized: authentication required/);
  } finally {
    await secured.stop();
  }
});

test('registries.yaml mirror: docker.io/library/NAME:TAG resolves to the local registry', async () => {
  await pushImage(registry.url, 'library/k8ts-mirrored', '3.1', busybox);
  await pushImage(registry.url, 'mirror-project/app', '7', busybox);
  const registries = parseRegistriesConfig(`
mirrors:
  docker.io:
    endpoint: ["http://${registry.host}"]
  quay.io:
    endpoint: ["http://${registry.host}"]
    rewrite:
      "^team/(.*)": "mirror-project/$1"
`);
  const images = await open({ registries, disableDefaultEndpoint: true });
  const info = await images.ensureImage('k8ts-mirrored:3.1', 'IfNotPresent');
  assert.equal(info.ref, 'docker.io/library/k8ts-mirrored:3.1');
  assert.equal(info.imageID, `docker.io/library/k8ts-mirrored@${busybox.manifestDigest}`);
  assert.equal((await images.ensureImage('quay.io/team/app:7', 'IfNotPresent')).configDigest, busybox.configDigest);
  await assert.rejects(images.ensureImage('k8ts-not-mirrored:1', 'IfNotPresent'), /docker\.io\/library\/k8ts-not-mirrored:1: not found/);
});

test('registries.yaml is read from its file at each pull', async () => {
  const file = join(work, 'registries.yaml');
  const images = await open({ registriesFile: file, disableDefaultEndpoint: true });
  writeFileSync(file, `mirrors:\n  docker.io:\n    endpoint: ["http://${registry.host}"]\n`);
  await pushImage(registry.url, 'library/from-file', '1', busybox);
  assert.equal((await images.ensureImage('from-file:1', 'IfNotPresent')).configDigest, busybox.configDigest);
});

test('a blob that does not match its digest is rejected and not stored', async () => {
  const victim = await buildImage([[{ type: 'file', path: 'victim.txt', content: 'original content' }]]);
  await pushImage(registry.url, 'k8ts/victim', '1', victim);
  const imposter = await buildImage([[{ type: 'file', path: 'victim.txt', content: 'tampered content' }]]);
  // Damage the registry's stored copy: it now serves other bytes under the old digest.
  copyFileSync(writeTemp(imposter.layers[0]!.blob), registry.blobDataPath(victim.layers[0]!.digest));
  const images = await open();
  await assert.rejects(images.ensureImage(`${registry.host}/k8ts/victim:1`, 'IfNotPresent'), (err: unknown) => {
    assert.ok(err instanceof ImagePullError);
    assert.equal(err.reason, 'Content');
    assert.match(err.message, /digest mismatch/);
    return true;
  });
  assert.equal(existsSync(join(images.root, 'blobs/sha256', victim.layers[0]!.digest.slice(7))), false);
  assert.deepEqual(readdirSync(join(images.root, 'ingest')), []);
  assert.deepEqual(readdirSync(join(images.root, 'layers/tmp')), []);
  assert.equal(await images.getImage(`${registry.host}/k8ts/victim:1`), undefined);
});

test('remove and prune: leased images stay, unreferenced content goes', async () => {
  const images = await open();
  const a = await images.ensureImage(`${registry.host}/k8ts/busybox:1.0`, 'IfNotPresent');
  const small = await buildImage([[{ type: 'file', path: 'small', content: 's' }]]);
  await pushImage(registry.url, 'k8ts/small', '1', small);
  const b = await images.ensureImage(`${registry.host}/k8ts/small:1`, 'IfNotPresent');
  await images.holdImage('container-1', a);
  // b's layers mounted as a container root filesystem would be: prune keeps b meanwhile.
  const root = join(work, `k8ts-rootfs-${n++}`);
  for (const d of ['upper', 'work', 'merged']) mkdirSync(join(root, d), { recursive: true });
  execFileSync('mount', ['-t', 'overlay', 'k8ts-images-test', '-o', `lowerdir=${b.layers[0]},upperdir=${root}/upper,workdir=${root}/work`, `${root}/merged`]);
  try {
    assert.deepEqual(await images.prune(), []);
    // Even with its name removed, a mounted layer is not collected.
    await images.removeImage(b.ref);
    assert.ok(existsSync(b.layers[0]!));
  } finally {
    execFileSync('umount', [`${root}/merged`]);
  }
  await images.ensureImage(b.ref, 'IfNotPresent');
  assert.deepEqual(await images.prune(), [b.ref]);
  assert.equal(existsSync(b.layers[0]!), false, 'the pruned image\'s layer is gone');
  assert.ok(existsSync(a.layers[0]!));
  await images.removeImage(a.ref);
  assert.ok(existsSync(a.layers[0]!), 'a leased image\'s layers survive removal of its name');
  await images.releaseImage('container-1');
  await images.prune();
  assert.equal(existsSync(a.layers[0]!), false);
  assert.deepEqual(readdirSync(join(images.root, 'blobs/sha256')), []);
  await assert.rejects(images.removeImage('nothing:here'), /no such image: nothing:here/);
});

function writeTemp(data: Buffer): string {
  const p = join(work, `blob-${n++}`);
  writeFileSync(p, data);
  return p;
}
