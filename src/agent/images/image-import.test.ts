// Imports `docker save`-shaped archives and OCI-layout tars built offline, and checks that
// what was imported is the same image a pull would give.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildBusyboxImage, buildImage, dockerArchiveTar, ociLayoutTar, type BuiltImage } from '../../../test/support/test-images.js';
import { LocalImageService } from './local-image-service.js';

let work: string;
let busybox: BuiltImage;
let small: BuiltImage;
let n = 0;
const open = () => LocalImageService.open({ root: join(work, `store-${n++}`) });
const file = (name: string, data: Buffer) => {
  const p = join(work, name);
  writeFileSync(p, data);
  return p;
};

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'k8ts-import-test-'));
  busybox = await buildBusyboxImage({ config: { Cmd: ['echo', 'imported'] } });
  small = await buildImage([[{ type: 'file', path: 'small.txt', content: 'small' }]]);
});

after(() => {
  rmSync(work, { recursive: true, force: true });
});

test('docker-archive (docker save): every RepoTag becomes a reference', async () => {
  const tar = await dockerArchiveTar([
    { image: busybox, repoTags: ['busybox:imported', 'registry.example.com/team/busybox:v1'] },
    { image: small, repoTags: ['small:1'] },
  ]);
  const images = await open();
  const infos = await images.importArchive(file('docker.tar', tar));
  assert.deepEqual(infos.map((i) => i.ref), ['docker.io/library/busybox:imported', 'registry.example.com/team/busybox:v1', 'docker.io/library/small:1']);
  const bb = infos[0]!;
  assert.equal(bb.configDigest, busybox.configDigest, 'the image ID is the config digest');
  assert.deepEqual(bb.config.cmd, ['echo', 'imported']);
  assert.equal(bb.layers.length, 3);
  assert.ok(existsSync(join(bb.layers[0]!, 'bin/busybox')));
  assert.equal(readFileSync(join(infos[2]!.layers[0]!, 'small.txt'), 'utf8'), 'small');
  assert.match(bb.imageID, /^docker\.io\/library\/busybox@sha256:[0-9a-f]{64}$/);
  assert.deepEqual(await images.getImage('busybox:imported'), bb);
  assert.deepEqual(readdirSync(join(images.root, 'ingest')), [], 'no temp files are left');
});

test('a gzipped docker-archive imports too', async () => {
  const tar = gzipSync(await dockerArchiveTar([{ image: small, repoTags: ['small:gz'] }]));
  const [info] = await (await open()).importArchive(file('docker.tar.gz', tar));
  assert.equal(info!.ref, 'docker.io/library/small:gz');
});

test('OCI layout: full names, tag-only names with --base-name, and the manifest digest as imageID', async () => {
  const images = await open();
  const full = await ociLayoutTar([{ image: busybox, refName: 'docker.io/library/busybox:oci' }]);
  const [a] = await images.importArchive(file('oci-full.tar', full));
  assert.equal(a!.ref, 'docker.io/library/busybox:oci');
  assert.equal(a!.imageID, `docker.io/library/busybox@${busybox.manifestDigest}`);
  assert.equal(a!.configDigest, busybox.configDigest);

  const tagOnly = file('oci-tag.tar', await ociLayoutTar([{ image: small, refName: '2.0' }]));
  await assert.rejects(images.importArchive(tagOnly), /does not name the image .*; give one with --base-name/);
  const [b] = await images.importArchive(tagOnly, { baseName: 'example.com/small' });
  assert.equal(b!.ref, 'example.com/small:2.0');
  // The busybox base layer from the first import is reused.
  assert.equal(readdirSync(join(images.root, 'layers/sha256')).length, 4);
});

test('archives that are not images, or are damaged, are refused without leftovers', async () => {
  const images = await open();
  await assert.rejects(images.importArchive(file('junk.tar', Buffer.alloc(1024))), /not an image archive/);
  const tar = await ociLayoutTar([{ image: small, refName: 'x:1' }]);
  // Flip one byte of the layer blob inside the tar: the digest check must catch it.
  const at = tar.indexOf(small.layers[0]!.blob.subarray(20, 40));
  tar[at] = tar[at]! ^ 0xff;
  await assert.rejects(images.importArchive(file('damaged.tar', tar)), /digest mismatch/);
  assert.deepEqual(await images.listImages(), []);
  assert.deepEqual(readdirSync(join(images.root, 'ingest')), []);
});
