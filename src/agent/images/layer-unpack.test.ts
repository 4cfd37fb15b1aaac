// Unpacks the standard busybox test image's layers and looks at them the way a container
// will: through a real overlayfs mount of the unpacked lower dirs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buildBusyboxImage, buildLayer, busyboxImageFacts as facts, type BuiltImage } from '../../../test/support/test-images.js';
import { unpackLayer } from './layer-unpack.js';

let work: string;
let image: BuiltImage;
const lowers: string[] = [];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'k8ts-unpack-test-'));
  image = await buildBusyboxImage();
  for (const [i, layer] of image.layers.entries()) {
    const dir = join(work, `layer-${i}`);
    mkdirSync(dir);
    await unpackLayer(Readable.from([layer.tar]), dir);
    lowers.push(dir);
  }
});

after(() => {
  rmSync(work, { recursive: true, force: true });
});

test('whiteouts become overlay whiteouts; opaque dirs get the xattr', () => {
  const top = lowers[2]!;
  const wh = lstatSync(join(top, facts.removedFile));
  assert.ok(wh.isCharacterDevice(), 'whiteout is a char device');
  assert.equal(wh.rdev, 0, 'device 0/0');
  assert.equal(existsSync(join(top, 'app/.wh.remove-me')), false, 'the OCI marker itself is not kept');
  const xattr = execFileSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', join(top, facts.opaqueDir)], { encoding: 'utf8' });
  assert.equal(xattr, 'y');
  assert.deepEqual(readdirSync(join(top, facts.opaqueDir)), ['fresh.txt']);
});

test('modes, owners, setuid, hard links and symlinks are kept', () => {
  const base = lowers[0]!;
  const app = lowers[1]!;
  assert.equal(statSync(join(base, 'tmp')).mode & 0o7777, 0o1777);
  assert.equal(statSync(join(base, 'root')).mode & 0o7777, 0o700);
  assert.equal(statSync(join(base, 'bin/busybox')).mode & 0o7777, 0o755);
  assert.equal(readlinkSync(join(base, 'bin/sh')), '/bin/busybox');
  const suid = statSync(join(app, facts.setuidFile));
  assert.equal(suid.mode & 0o7777, 0o4755);
  assert.deepEqual([suid.uid, suid.gid], [1000, 1000]);
  assert.equal(statSync(join(app, facts.hardLink)).ino, statSync(join(app, facts.keptFile)).ino);
  assert.equal(statSync(join(app, 'etc/motd')).mtime.toISOString(), '2024-01-01T00:00:00.000Z');
});

test('through a real overlayfs mount the deleted file is gone and the opaque dir is replaced', () => {
  const merged = join(work, 'k8ts-merged');
  mkdirSync(merged);
  // lowerdir lists the topmost layer first.
  execFileSync('mount', ['-t', 'overlay', 'k8ts-unpack-test', '-o', `lowerdir=${[...lowers].reverse().join(':')}`, merged]);
  try {
    assert.equal(existsSync(join(merged, facts.removedFile)), false);
    assert.deepEqual(readdirSync(join(merged, facts.opaqueDir)), ['fresh.txt']);
    assert.equal(readFileSync(join(merged, facts.keptFile), 'utf8'), facts.keptContent);
    assert.match(readFileSync(join(merged, 'etc/passwd'), 'utf8'), /^root:x:0:0:/);
    assert.equal(execFileSync(join(merged, 'bin/busybox'), ['echo', 'ran'], { encoding: 'utf8' }), 'ran\n');
  } finally {
    execFileSync('umount', [merged]);
  }
});

test('entries cannot escape the root through .. or symlinks', async () => {
  const dir = join(work, 'hostile');
  mkdirSync(dir);
  const layer = await buildLayer([
    { type: 'symlink', path: 'evil', target: '/etc' },
    { type: 'file', path: 'evil/k8ts-escaped', content: 'no' },
    { type: 'symlink', path: 'up', target: '../../../../..' },
    { type: 'file', path: 'up/k8ts-escaped-2', content: 'no' },
    { type: 'file', path: '../../k8ts-escaped-3', content: 'no' },
  ]);
  await unpackLayer(Readable.from([layer.tar]), dir);
  assert.equal(existsSync('/etc/k8ts-escaped'), false);
  assert.equal(readFileSync(join(dir, 'etc/k8ts-escaped'), 'utf8'), 'no');
  assert.equal(readFileSync(join(dir, 'k8ts-escaped-2'), 'utf8'), 'no');
  assert.equal(readFileSync(join(dir, 'k8ts-escaped-3'), 'utf8'), 'no');
  assert.equal(existsSync(join(work, 'k8ts-escaped-3')), false);
});

test('a later entry replaces an earlier one at the same path', async () => {
  const dir = join(work, 'replace');
  mkdirSync(dir);
  const layer = await buildLayer([
    { type: 'file', path: 'x', content: 'first' },
    { type: 'dir', path: 'x' },
    { type: 'file', path: 'x/inner', content: 'in' },
    { type: 'symlink', path: 'y', target: 'x' },
    { type: 'file', path: 'y', content: 'plain' },
  ]);
  await unpackLayer(Readable.from([layer.tar]), dir);
  assert.ok(statSync(join(dir, 'x')).isDirectory());
  assert.equal(readFileSync(join(dir, 'x/inner'), 'utf8'), 'in');
  assert.ok(lstatSync(join(dir, 'y')).isFile());
});
