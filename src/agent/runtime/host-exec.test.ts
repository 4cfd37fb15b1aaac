import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError } from './command.js';
import { HostExec, shellQuote } from './host-exec.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-hostexec-test-'));
const host = new HostExec(join(dir, 'exec'));
after(() => {
  host.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('HostExec', () => {
  it('quotes arguments for sh', () => {
    assert.equal(shellQuote('/var/run/netns/k8ts-1'), '/var/run/netns/k8ts-1');
    assert.equal(shellQuote("it's $HOME"), `'it'\\''s $HOME'`);
  });

  it('runs commands concurrently and returns their output', async () => {
    const outs = await Promise.all(Array.from({ length: 20 }, (_, i) => host.run(['echo', `n ${i}`, "with 'quotes'"])));
    assert.deepEqual(outs.map((o) => o.stdout), Array.from({ length: 20 }, (_, i) => `n ${i} with 'quotes'\n`));
  });

  it('rejects with the status and stderr of a failed command', async () => {
    await assert.rejects(host.shell('echo oops >&2; exit 3'), (e: Error) => e instanceof CommandError && e.code === 3 && e.stderr === 'oops\n');
  });
});
