import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HostExec } from '../../agent/runtime/host-exec.js';
import { CommandError, HostCommands } from './host-commands.js';

// Both ways of running a node's networking tools must behave alike: forked directly, or
// through the agent's long-lived shell helper (how the agent runs CNI plugins and nft).
const dir = mkdtempSync(join(tmpdir(), 'k8ts-hostcmd-'));
const exec = new HostExec(join(dir, 'exec'));
after(() => {
  exec.close();
  rmSync(dir, { recursive: true, force: true });
});

for (const [name, host] of [
  ['forked', new HostCommands()],
  ['through the shell helper', new HostCommands(undefined, exec)],
] as const) {
  describe(`HostCommands (${name})`, () => {
    it('passes stdin and environment, and returns stdout', async () => {
      const r = await host.run('sh', ['-c', 'printf "%s:" "$CNI_COMMAND"; cat'], { input: '{"cniVersion":"1.0.0"}\n', env: { CNI_COMMAND: "ADD it's" } });
      assert.deepEqual(r, { code: 0, stdout: `ADD it's:{"cniVersion":"1.0.0"}\n`, stderr: '' });
    });

    it('keeps stdout and stderr of a failure when failure is allowed', async () => {
      const r = await host.run('sh', ['-c', 'echo \'{"code":7,"msg":"no"}\'; echo oops >&2; exit 3'], { allowFailure: true });
      assert.deepEqual(r, { code: 3, stdout: '{"code":7,"msg":"no"}\n', stderr: 'oops\n' });
    });

    it('throws CommandError with the output otherwise', async () => {
      await assert.rejects(host.run('sh', ['-c', 'echo bad >&2; exit 2']), (err: unknown) => err instanceof CommandError && err.result.code === 2 && err.result.stderr === 'bad\n');
    });

    it('reads no stdin when none is given', async () => {
      assert.equal((await host.run('cat', [])).stdout, '');
    });
  });
}
