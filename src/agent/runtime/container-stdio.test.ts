// The runc runtime's live stdio with real containers: stdin kept open between attaches,
// stdinOnce, a terminal (tty: true) with resizes, and all of it after an agent restart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { detectCgroupLayout } from './cgroups.js';
import type { ContainerConfig, LiveStdio } from './container-runtime.js';
import { RuncRuntime } from './runc-runtime.js';
import { reapStaleTestEnvs, runtimeTestEnv, type RuntimeTestEnv } from './test-support.js';
import { startTestRuntime, testContainerConfig, testSandboxConfig, waitExited } from './runtime-test-fixtures.js';

const layout = detectCgroupLayout();
let env: RuntimeTestEnv;
let rt: RuncRuntime;
let sandboxId: string;

const container = (name: string, args: string[], stdio: ContainerConfig['stdio']) => testContainerConfig(env, name, args, { stdio });

/** Collects what a container prints from now on; `until` waits for a pattern. */
function listen(live: LiveStdio): { text: () => string; until: (re: RegExp) => Promise<string>; stop: () => void } {
  let text = '';
  const stop = live.subscribe((_s, chunk) => (text += chunk.toString('utf8')));
  return {
    text: () => text,
    stop,
    until: async (re) => {
      for (let i = 0; i < 400; i++) {
        if (re.test(text)) return text;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`timed out waiting for ${re} in ${JSON.stringify(text)}`);
    },
  };
}

async function startContainer(cfg: ContainerConfig): Promise<string> {
  const c = await rt.create(sandboxId, cfg);
  await rt.start(c.id);
  return c.id;
}

before(async () => {
  await reapStaleTestEnvs();
  env = runtimeTestEnv();
  rt = await startTestRuntime(env);
  const sb = await rt.runSandbox(testSandboxConfig(env, 'stdio'));
  sandboxId = sb.id;
});
after(async () => {
  for (const c of (await rt?.list()) ?? []) if (c.state.phase === 'running') await rt.stop(c.id, 0);
  await rt?.close();
  await env?.cleanup();
});

describe('container stdio', () => {
  it('keeps stdin open between attaches; closing it ends the process (stdinOnce)', async () => {
    const id = await startContainer(container('cat', ['cat'], { stdin: true, stdinOnce: false, tty: false }));
    const { live } = rt.attachStdio(id)!;
    const out = listen(live);
    const first = live.openStdin()!;
    first.end('one\n');
    await out.until(/one\n/);
    // A writer that went away is not end-of-file: the next attach still feeds it.
    const second = live.openStdin()!;
    second.write('two\n');
    await out.until(/two\n/);
    live.closeStdin();
    second.end();
    const info = await waitExited(rt, id);
    assert.equal(info.state.phase === 'exited' && info.state.exit.exitCode, 0);
    assert.equal(live.openStdin(), undefined);
    out.stop();
    // What went through attach is in the log too.
    assert.match(readFileSync(info.logPath, 'utf8'), /stdout F one\n.*stdout F two\n/s);
  });

  it('a container without stdin: true gives no stdin writer', async () => {
    const id = await startContainer(container('quiet', ['sleep', '60'], undefined));
    assert.equal(rt.attachStdio(id)!.live.openStdin(), undefined);
    await rt.stop(id, 0);
  });

  it('closing a terminal\'s stdin (stdinOnce) ends the shell on it, as a hang-up would', async () => {
    const id = await startContainer(container('once', ['sh'], { stdin: true, stdinOnce: true, tty: true }));
    const { live, exited } = rt.attachStdio(id)!;
    const out = listen(live);
    const stdin = live.openStdin()!;
    stdin.write('echo hello\r');
    await out.until(/\nhello\r\n/);
    live.closeStdin();
    stdin.end();
    await exited;
    out.stop();
  });

  it('runs a tty: true container on a terminal that follows resizes, across an agent restart', async () => {
    const id = await startContainer(container('shell', ['sh'], { stdin: true, stdinOnce: false, tty: true }));
    let handle = rt.attachStdio(id)!;
    let out = listen(handle.live);
    handle.live.resize({ width: 100, height: 30 });
    let stdin = handle.live.openStdin()!;
    await new Promise((r) => setTimeout(r, 200));
    stdin.write('tty; stty size; echo TERM=$TERM\r');
    await out.until(/TERM=xterm/);
    assert.match(out.text(), /\/dev\/pts\/0\r\n30 100\r\n/);
    stdin.end();
    out.stop();

    // A new runtime on the same state (an agent restart) re-adopts the terminal.
    await rt.close();
    rt = new RuncRuntime({ runtime: 'runc', root: env.root, stateDir: env.stateDir, cgroups: layout, exitPollMs: 50 });
    await rt.init();
    handle = rt.attachStdio(id)!;
    out = listen(handle.live);
    // A burst of sizes (a window being dragged): the last one is what the terminal keeps.
    for (let i = 0; i < 50; i++) handle.live.resize({ width: 60 + i, height: 20 });
    handle.live.resize({ width: 120, height: 40 });
    stdin = handle.live.openStdin()!;
    await new Promise((r) => setTimeout(r, 200));
    stdin.write('stty size\r');
    await out.until(/40 120\r\n/);
    stdin.write('exit 3\r');
    await handle.exited;
    const info = (await rt.state(id))!;
    assert.equal(info.state.phase === 'exited' && info.state.exit.exitCode, 3);
    out.stop();
  });
});
