import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatePayloadPath, writeAtomic } from './atomic-writer.js';

const file = (s: string, mode = 0o644) => ({ data: Buffer.from(s), mode });

test('writes a payload behind ..data and swaps generations', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-aw-'));
  try {
    assert.equal(await writeAtomic(dir, new Map([['a', file('1')], ['sub/b', file('2', 0o400)]])), true);
    const first = readlinkSync(join(dir, '..data'));
    assert.match(first, /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+$/);
    assert.equal(readlinkSync(join(dir, 'a')), '..data/a');
    assert.equal(readlinkSync(join(dir, 'sub')), '..data/sub');
    assert.equal(readFileSync(join(dir, 'sub/b'), 'utf8'), '2');
    assert.equal(statSync(join(dir, 'sub/b')).mode & 0o777, 0o400);

    // The same payload again changes nothing.
    assert.equal(await writeAtomic(dir, new Map([['a', file('1')], ['sub/b', file('2', 0o400)]])), false);
    assert.equal(readlinkSync(join(dir, '..data')), first);

    // A new payload: new generation, old one and vanished names removed.
    assert.equal(await writeAtomic(dir, new Map([['a', file('changed')]])), true);
    const second = readlinkSync(join(dir, '..data'));
    assert.notEqual(second, first);
    assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'changed');
    assert.equal(existsSync(join(dir, first)), false);
    assert.deepEqual(readdirSync(dir).sort(), ['..data', second, 'a'].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a mode change alone is a new payload', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-aw-'));
  try {
    await writeAtomic(dir, new Map([['a', file('1')]]));
    assert.equal(await writeAtomic(dir, new Map([['a', file('1', 0o600)]])), true);
    assert.equal(statSync(join(dir, 'a')).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('paths that leave the volume are refused', () => {
  for (const p of ['/etc/passwd', '../x', 'a/../../x', '..hidden', '']) assert.throws(() => validatePayloadPath(p), /invalid path/);
  validatePayloadPath('a/b.c');
});
