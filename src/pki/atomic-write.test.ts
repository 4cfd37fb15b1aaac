import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeFileAtomic } from './atomic-write.js';

describe('writeFileAtomic', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k8ts-atomic-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates parent directories and sets the mode exactly', async () => {
    const path = join(dir, 'a', 'b', 'secret');
    await writeFileAtomic(path, 'hello', { mode: 0o600 });
    assert.equal(await readFile(path, 'utf8'), 'hello');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  it('replaces an existing file, including its mode, and leaves no temp file', async () => {
    const path = join(dir, 'replace');
    await writeFile(path, 'old', { mode: 0o644 });
    await writeFileAtomic(path, new TextEncoder().encode('new'), { mode: 0o600 });
    assert.equal(await readFile(path, 'utf8'), 'new');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.tmp')), []);
  });

  it('cleans up its temp file when the rename fails', async () => {
    const target = join(dir, 'is-a-dir');
    await writeFileAtomic(join(target, 'x'), 'x', { mode: 0o600 });
    // Renaming a file over a non-empty directory fails.
    await assert.rejects(writeFileAtomic(target, 'data', { mode: 0o600 }));
    assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.tmp')), []);
  });
});
