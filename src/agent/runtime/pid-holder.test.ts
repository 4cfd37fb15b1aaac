import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { directHost } from './command.js';
import { pidHolderAlive, pidNamespacePath, startPidHolder, stopPidHolder } from './pid-holder.js';

test('a PID namespace holder runs catatonit as PID 1 of a new namespace until stopped', async () => {
  const holder = await startPidHolder(directHost);
  try {
    assert.ok(pidHolderAlive(holder));
    assert.notEqual(readlinkSync(pidNamespacePath(holder)), readlinkSync('/proc/self/ns/pid'));
    // Inside its namespace the holder is PID 1.
    const status = (await import('node:fs')).readFileSync(`/proc/${holder.child}/status`, 'utf8');
    assert.match(status, /^NSpid:\s+\d+\s+1$/m);
  } finally {
    stopPidHolder(holder);
  }
  for (let i = 0; i < 100 && pidHolderAlive(holder); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(pidHolderAlive(holder), false);
});
