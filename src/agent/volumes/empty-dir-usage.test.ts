import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyDirLimitViolation } from './empty-dir-usage.js';

test('a disk emptyDir over its sizeLimit is reported with the kubelet message', async () => {
  const podsDir = mkdtempSync(join(tmpdir(), 'k8ts-edu-'));
  try {
    const pod = { metadata: { name: 'p', uid: 'u1' }, spec: { volumes: [{ name: 'small', emptyDir: { sizeLimit: '64Ki' } }, { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '1Ki' } }] } };
    const dir = join(podsDir, 'u1', 'volumes', 'kubernetes.io~empty-dir', 'small');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a'), Buffer.alloc(16 * 1024, 1));
    assert.equal(await emptyDirLimitViolation(podsDir, pod), undefined);
    writeFileSync(join(dir, 'b'), Buffer.alloc(128 * 1024, 1));
    assert.equal(await emptyDirLimitViolation(podsDir, pod), 'Usage of EmptyDir volume "small" exceeds the limit "64Ki". ');
  } finally {
    rmSync(podsDir, { recursive: true, force: true });
  }
});
