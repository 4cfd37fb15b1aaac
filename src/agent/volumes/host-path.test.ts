import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHostPath } from './host-path.js';

test('hostPath types: checks, creation and the kubelet messages', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-hp-'));
  try {
    const file = join(dir, 'f');
    writeFileSync(file, 'x');
    await checkHostPath(file, 'File');
    await checkHostPath(dir, 'Directory');
    await checkHostPath('/dev/null', 'CharDevice');
    await assert.rejects(checkHostPath(dir, 'File'), { message: `hostPath type check failed: ${dir} is not a file` });
    await assert.rejects(checkHostPath(file, 'Socket'), { message: `hostPath type check failed: ${file} is not a socket file` });
    await assert.rejects(checkHostPath(file, 'CharDevice'), { message: `hostPath type check failed: ${file} is not a character device` });
    await assert.rejects(checkHostPath(file, 'BlockDevice'), { message: `hostPath type check failed: ${file} is not a block device` });
    await assert.rejects(checkHostPath(join(dir, 'missing'), 'Directory'), { message: `hostPath type check failed: ${join(dir, 'missing')} is not a directory` });
    await assert.rejects(checkHostPath(file, 'DirectoryOrCreate'), { message: `hostPath type check failed: ${file} is not a directory` });

    await checkHostPath(join(dir, 'new', 'deep'), 'DirectoryOrCreate');
    assert.equal(statSync(join(dir, 'new', 'deep')).mode & 0o777, 0o755);
    await checkHostPath(join(dir, 'made'), 'FileOrCreate');
    assert.ok(statSync(join(dir, 'made')).isFile());
    // FileOrCreate does not make the parent.
    await assert.rejects(checkHostPath(join(dir, 'nope', 'x'), 'FileOrCreate'), { message: `open ${join(dir, 'nope', 'x')}: no such file or directory` });
    await checkHostPath(join(dir, 'untyped'), '');
    assert.ok(statSync(join(dir, 'untyped')).isDirectory());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
