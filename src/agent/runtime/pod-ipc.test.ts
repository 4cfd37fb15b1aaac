import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directHost } from './command.js';
import { ensurePodIpc, tearDownPodIpc } from './pod-ipc.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-ipc-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const mounted = (path: string) => readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${path} `);

test('a pod IPC namespace and /dev/shm are made once, kept, and unmounted', async () => {
  const ipc = await ensurePodIpc(directHost, dir);
  try {
    assert.ok(mounted(ipc.ns) && mounted(ipc.shm));
    assert.match(readFileSync('/proc/self/mountinfo', 'utf8'), new RegExp(` ${ipc.shm} .* - tmpfs shm rw,.*size=65536k`));
    // Idempotent: a second call keeps the same namespace and adds no mounts.
    const count = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').length;
    await ensurePodIpc(directHost, dir);
    assert.equal(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').length, count);
  } finally {
    await tearDownPodIpc(directHost, ipc);
  }
  assert.ok(!mounted(ipc.ns) && !mounted(ipc.shm));
});
