import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsGroupOwnership } from './ownership.js';

const pod = (fsGroup?: number) => ({ metadata: { name: 'p' }, spec: fsGroup === undefined ? {} : { securityContext: { fsGroup } } });

test('fsGroup owns the volume: group set, group read, dirs setgid', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-own-'));
  try {
    mkdirSync(join(dir, 'sub'), { mode: 0o700 });
    writeFileSync(join(dir, 'sub', 'f'), 'x', { mode: 0o400 });
    await fsGroupOwnership(pod(2345), dir, true);
    const f = statSync(join(dir, 'sub', 'f'));
    assert.equal(f.gid, 2345);
    assert.equal(f.mode & 0o7777, 0o440);
    const d = statSync(join(dir, 'sub'));
    assert.equal(d.mode & 0o7777, 0o2750);
    await fsGroupOwnership(pod(2345), dir, false);
    assert.equal(statSync(join(dir, 'sub', 'f')).mode & 0o7777, 0o660);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without fsGroup nothing changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-own-'));
  try {
    writeFileSync(join(dir, 'f'), 'x', { mode: 0o400 });
    await fsGroupOwnership(pod(), dir, true);
    assert.equal(statSync(join(dir, 'f')).mode & 0o777, 0o400);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('OnRootMismatch leaves a volume whose root is already right alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-own-'));
  try {
    writeFileSync(join(dir, 'f'), 'x', { mode: 0o600 });
    const p = { metadata: { name: 'p' }, spec: { securityContext: { fsGroup: 2345, fsGroupChangePolicy: 'OnRootMismatch' } } };
    await fsGroupOwnership(p, dir, false);
    assert.equal(statSync(join(dir, 'f')).gid, 2345);
    writeFileSync(join(dir, 'g'), 'x', { mode: 0o600 });
    await fsGroupOwnership(p, dir, false);
    // (it inherits the group from the setgid dir, but its mode is left as written)
    assert.equal(statSync(join(dir, 'g')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'f')).mode & 0o777, 0o660);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
