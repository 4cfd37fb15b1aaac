import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerVolumeMounts } from './container-mounts.js';
import { ociBindMounts, rootfsPropagation } from './oci-mounts.js';
import type { MountedVolume } from './volume-types.js';

test('volumeMounts become bind mounts with subPath, subPathExpr, readOnly and propagation', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'k8ts-cm-')));
  try {
    mkdirSync(join(root, 'data'));
    mkdirSync(join(root, 'cfg', '..gen'), { recursive: true });
    writeFileSync(join(root, 'cfg', '..gen', 'a.conf'), 'x');
    symlinkSync('..gen', join(root, 'cfg', '..data'));
    symlinkSync('..data/a.conf', join(root, 'cfg', 'a.conf'));
    symlinkSync('/etc', join(root, 'data', 'escape'));
    const volumes = new Map<string, MountedVolume>([
      ['data', { name: 'data', plugin: 'kubernetes.io~empty-dir', hostPath: join(root, 'data'), readOnly: false }],
      ['cfg', { name: 'cfg', plugin: 'kubernetes.io~configmap', hostPath: join(root, 'cfg'), readOnly: true }],
    ]);
    const mounts = containerVolumeMounts('app', [
      { name: 'data', mountPath: '/data', mountPropagation: 'HostToContainer' },
      { name: 'data', mountPath: '/mine', subPathExpr: '$(POD_NAME)', readOnly: true },
      { name: 'cfg', mountPath: '/etc/a.conf', subPath: 'a.conf' },
    ], volumes, { POD_NAME: 'web-1' });
    assert.deepEqual(mounts, [
      { hostPath: join(root, 'data'), containerPath: '/data', readOnly: false, propagation: 'rslave' },
      { hostPath: join(root, 'data', 'web-1'), containerPath: '/mine', readOnly: true, propagation: 'rprivate' },
      // The generation's file itself: updates to the ConfigMap do not reach a subPath mount.
      { hostPath: join(root, 'cfg', '..gen', 'a.conf'), containerPath: '/etc/a.conf', readOnly: true, propagation: 'rprivate' },
    ]);
    assert.deepEqual(ociBindMounts([mounts[0]!])[0]!.options, ['rbind', 'rslave', 'rw']);
    assert.deepEqual(rootfsPropagation(mounts), { rootfsPropagation: 'rslave' });
    assert.throws(() => containerVolumeMounts('app', [{ name: 'data', mountPath: '/x', subPath: 'escape' }], volumes, {}), /not within volume path/);
    assert.throws(() => containerVolumeMounts('app', [{ name: 'data', mountPath: '/x', subPath: '../x' }], volumes, {}), /must not contain '\.\.'/);
    assert.throws(() => containerVolumeMounts('app', [{ name: 'cfg', mountPath: '/x', subPath: 'missing' }], volumes, {}), /failed to prepare subPath for volumeMount "cfg" of container "app"/);
    assert.throws(() => containerVolumeMounts('app', [{ name: 'nope', mountPath: '/x' }], volumes, {}), /cannot find volume "nope" to mount into container "app"/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
