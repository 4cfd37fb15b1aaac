import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { collectLines, exited } from '../../test/support/child-lines.js';
import { openSqliteStore } from './sqlite-store.js';

const writerScript = fileURLToPath(new URL('../../test/support/sqlite-writer.js', import.meta.url));

test('every create acknowledged before a SIGKILL is there after reopening', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-durability-'));
  const dbPath = join(dir, 'state.db');
  const child = spawn(process.execPath, [writerScript, dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const out = collectLines(child);
    await out.waitForLines(2000);
    child.kill('SIGKILL'); // mid-stream: the writer never stops on its own
    await exited(child);
    assert.equal(child.signalCode, 'SIGKILL');
    const acknowledged = [...out.lines];
    assert.ok(acknowledged.length >= 2000);

    const store = openSqliteStore(dbPath);
    try {
      for (const key of acknowledged) assert.ok(await store.get(key), `acknowledged key ${key} survived`);
      const listed = await store.list('/durability/');
      assert.ok(listed.items.length >= acknowledged.length);
      const rev = await store.currentRevision();
      assert.ok(rev >= acknowledged.length);
      const next = await store.create('/durability/after-restart', '{}');
      assert.ok(next.modRevision > rev, 'revisions continue after the crash');
    } finally {
      await store.close();
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited(child);
    rmSync(dir, { recursive: true, force: true });
  }
});
