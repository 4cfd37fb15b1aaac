import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { detectCgroupLayout } from './cgroups.js';
import type { ContainerConfig } from './container-runtime.js';
import { netnsPath, podNetnsName } from './netns.js';
import { ContainerStartError, RuncRuntime } from './runc-runtime.js';
import { reapStaleTestEnvs, runtimeTestEnv, type RuntimeTestEnv } from './test-support.js';
import { startTestRuntime, testContainerConfig, testSandboxConfig, waitExited } from './runtime-test-fixtures.js';
import { isMounted } from './overlay.js';

const layout = detectCgroupLayout();
let env: RuntimeTestEnv;
let rt: RuncRuntime;

const sandboxConfig = (name: string) => testSandboxConfig(env, name, 'search default.svc.cluster.local\nnameserver 10.43.0.10\noptions ndots:5\n');
const container = (name: string, args: string[], extra: Partial<ContainerConfig> = {}) => testContainerConfig(env, name, args, extra);

function logText(path: string): string[] {
  return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' ').slice(1).join(' '));
}

before(async () => {
  await reapStaleTestEnvs();
  env = runtimeTestEnv();
  rt = await startTestRuntime(env);
});
after(async () => {
  await rt?.close();
  await env?.cleanup();
});

describe('RuncRuntime', () => {
  it('reports runc://VERSION', async () => {
    assert.match(await rt.version(), /^runc:\/\/\d+\.\d+\.\d+$/);
  });

  it('runs a container in the pod sandbox, logs in CRI format and records its exit code', async () => {
    const cfg = sandboxConfig('hello');
    const sb = await rt.runSandbox(cfg);
    assert.equal(sb.netnsPath, netnsPath(podNetnsName(cfg.podUid)));
    assert.ok(existsSync(sb.netnsPath));
    const exits: string[] = [];
    rt.onExit((i) => exits.push(i.id));
    const c = await rt.create(sb.id, container('hello', ['sh', '-c', 'echo out; echo err >&2; hostname; cat /etc/resolv.conf; exit 3']));
    assert.equal(c.state.phase, 'created');
    const started = await rt.start(c.id);
    assert.ok(started.state.phase === 'running' || started.state.phase === 'exited');
    const done = await waitExited(rt, c.id);
    assert.equal(done.state.phase === 'exited' && done.state.exit.exitCode, 3);
    assert.ok(exits.includes(c.id));
    const lines = logText(c.logPath);
    assert.ok(lines.includes('stdout F out'), lines.join('|'));
    assert.ok(lines.includes('stderr F err'));
    assert.ok(lines.includes('stdout F hello'), 'hostname is the pod name');
    assert.ok(lines.includes('stdout F nameserver 10.43.0.10'));
    // The rootfs is unmounted once the container ended.
    assert.equal(await isMounted(join(env.stateDir, sb.id, 'containers', c.id, 'rootfs')), false);
    await rt.removeSandbox(sb.id);
    assert.equal(existsSync(sb.netnsPath), false);
    assert.equal(existsSync(join(env.stateDir, sb.id)), false);
  });

  it('lets two containers of a pod share localhost', async () => {
    const sb = await rt.runSandbox(sandboxConfig('pair'));
    const server = await rt.create(sb.id, container('server', ['sh', '-c', 'mkdir -p /www && echo hello-from-server > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www']));
    await rt.start(server.id);
    const client = await rt.create(sb.id, container('client', ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://127.0.0.1:8080/ && exit 0; sleep 0.2; done; exit 1']));
    await rt.start(client.id);
    const done = await waitExited(rt, client.id);
    assert.equal(done.state.phase === 'exited' && done.state.exit.exitCode, 0);
    assert.deepEqual(logText(client.logPath), ['stdout F hello-from-server']);
    await rt.stop(server.id, 0);
    await rt.removeSandbox(sb.id);
  });

  it('stops with SIGTERM, then SIGKILL after the grace period', async () => {
    const sb = await rt.runSandbox(sandboxConfig('stopper'));
    // As PID 1 without a handler, sleep ignores SIGTERM; the trap honours it.
    const stubborn = await rt.create(sb.id, container('stubborn', ['sleep', '1000']));
    const polite = await rt.create(sb.id, container('polite', ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done']));
    await rt.start(stubborn.id);
    await rt.start(polite.id);
    await Promise.all([rt.stop(stubborn.id, 1), rt.stop(polite.id, 30)]);
    const s = await rt.state(stubborn.id);
    const p = await rt.state(polite.id);
    assert.equal(s?.state.phase === 'exited' && s.state.exit.exitCode, 137);
    assert.equal(p?.state.phase === 'exited' && p.state.exit.exitCode, 0);
    await rt.removeSandbox(sb.id);
  });

  it('reports a process that cannot start as StartError', async () => {
    const sb = await rt.runSandbox(sandboxConfig('broken'));
    const c = await rt.create(sb.id, container('broken', ['no-such-binary']));
    await assert.rejects(rt.start(c.id), (err: Error) => err instanceof ContainerStartError && /executable file not found/.test(err.message));
    const info = await rt.state(c.id);
    assert.equal(info?.state.phase, 'exited');
    assert.equal(info?.state.phase === 'exited' && info.state.exit.reason, 'StartError');
    assert.equal(info?.state.phase === 'exited' && info.state.exit.exitCode, 128);
    await rt.removeSandbox(sb.id);
  });

  it('puts the container in its cgroup with its memory limit', async () => {
    const cfg = sandboxConfig('limited');
    const sb = await rt.runSandbox(cfg);
    const c = await rt.create(sb.id, container('limited', ['sleep', '1000'], { resources: { memoryLimitBytes: 64 * 1024 * 1024, cpuShares: 512 } }));
    await rt.start(c.id);
    const base = layout.version === 'v2' ? layout.hierarchies[0]! : layout.hierarchies.find((h) => h.endsWith('/memory'))!;
    const file = layout.version === 'v2' ? 'memory.max' : 'memory.limit_in_bytes';
    assert.equal(readFileSync(join(base, cfg.cgroupParent, c.id, file), 'utf8').trim(), String(64 * 1024 * 1024));
    await rt.stop(c.id, 0);
    await rt.removeSandbox(sb.id);
    assert.equal(existsSync(join(base, cfg.cgroupParent)), false, 'pod cgroup removed');
  });

  it('re-adopts running containers after a restart and still learns their exit', async () => {
    const sb = await rt.runSandbox(sandboxConfig('survivor'));
    const c = await rt.create(sb.id, container('survivor', ['sh', '-c', 'echo before; trap "echo bye; exit 7" TERM; while true; do sleep 0.1; done']));
    await rt.start(c.id);
    await rt.close();
    rt = new RuncRuntime({ runtime: 'runc', root: env.root, stateDir: env.stateDir, cgroups: layout, exitPollMs: 50 });
    await rt.init();
    const adopted = await rt.state(c.id);
    assert.equal(adopted?.state.phase, 'running');
    assert.equal(adopted?.name, 'survivor');
    assert.deepEqual(adopted?.labels, { name: 'survivor' });
    await rt.stop(c.id, 10);
    const done = await rt.state(c.id);
    assert.equal(done?.state.phase === 'exited' && done.state.exit.exitCode, 7);
    assert.deepEqual(logText(c.logPath), ['stdout F before', 'stdout F bye']);
    await rt.removeSandbox(sb.id);
  });
});

describe('RuncRuntime with crun', () => {
  it('runs, logs and stops containers through crun too', async () => {
    const crun = new RuncRuntime({ runtime: 'crun', root: `${env.root}-crun`, stateDir: env.stateDir, cgroups: layout, exitPollMs: 50 });
    await crun.init();
    try {
      assert.match(await crun.version(), /^crun:\/\/\d+\.\d+/);
      const sb = await crun.runSandbox(sandboxConfig('crunpod'));
      const done = await crun.create(sb.id, container('once', ['sh', '-c', 'echo hi from crun; exit 4']));
      await crun.start(done.id);
      const exited = await waitExited(crun, done.id);
      assert.equal(exited.state.phase === 'exited' && exited.state.exit.exitCode, 4);
      assert.deepEqual(logText(done.logPath), ['stdout F hi from crun']);
      const sleeper = await crun.create(sb.id, container('sleeper', ['sleep', '1000']));
      await crun.start(sleeper.id);
      await crun.stop(sleeper.id, 1);
      const s = await crun.state(sleeper.id);
      assert.equal(s?.state.phase === 'exited' && s.state.exit.exitCode, 137);
      await crun.removeSandbox(sb.id);
    } finally {
      await crun.close();
      rmSync(`${env.root}-crun`, { recursive: true, force: true });
    }
  });
});
