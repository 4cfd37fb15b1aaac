// Fixtures for tests that drive the runc runtime directly: the runtime on a test env, a
// BestEffort pod sandbox config and a busybox container config, and waiting for an exit.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { detectCgroupLayout, podCgroupPath } from './cgroups.js';
import type { ContainerConfig, ContainerInfo, SandboxConfig } from './container-runtime.js';
import { RuncRuntime } from './runc-runtime.js';
import type { RuntimeTestEnv } from './test-support.js';

/**
 * A RuncRuntime on the env's runtime root and state dir, initialised, polling exits every 50 ms.
 *
 * @example
 * const env = runtimeTestEnv();
 * const rt = await startTestRuntime(env);
 */
export async function startTestRuntime(env: RuntimeTestEnv): Promise<RuncRuntime> {
  const rt = new RuncRuntime({ runtime: 'runc', root: env.root, stateDir: env.stateDir, cgroups: detectCgroupLayout(), exitPollMs: 50 });
  await rt.init();
  return rt;
}

/**
 * A sandbox for a new BestEffort pod named `name` (a fresh uid) under the env's cgroup root.
 *
 * @example
 * const sb = await rt.runSandbox(testSandboxConfig(env, 'hello'));
 */
export function testSandboxConfig(env: RuntimeTestEnv, name: string, resolvConf = 'nameserver 10.43.0.10\n'): SandboxConfig {
  const podUid = randomUUID();
  return {
    podUid,
    podName: name,
    namespace: 'default',
    hostname: name,
    hostsFile: '127.0.0.1\tlocalhost\n',
    resolvConf,
    cgroupParent: podCgroupPath(env.cgroupRoot, 'BestEffort', podUid),
  };
}

/**
 * A container from the env's busybox layer running `args` as root, logging to a fresh file
 * in the env's log dir; `extra` overrides any field.
 *
 * @example
 * const c = await rt.create(sb.id, testContainerConfig(env, 'hello', ['echo', 'hi']));
 */
export function testContainerConfig(env: RuntimeTestEnv, name: string, args: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    name,
    layers: [env.layer],
    args,
    env: ['PATH=/bin'],
    workingDir: '/',
    user: { uid: 0, gid: 0 },
    mounts: [],
    resources: {},
    security: {},
    logPath: join(env.logDir, `${name}-${randomUUID()}.log`),
    labels: { name },
    ...extra,
  };
}

/**
 * Polls the runtime until the container exited and returns its final state.
 *
 * @example
 * const done = await waitExited(rt, c.id);
 */
export async function waitExited(rt: RuncRuntime, id: string): Promise<ContainerInfo> {
  for (;;) {
    const info = await rt.state(id);
    if (info?.state.phase === 'exited') return info;
    await new Promise((res) => setTimeout(res, 20));
  }
}
