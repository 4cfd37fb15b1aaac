// Probes, lifecycle hooks and init containers end to end: a real `k8ts server` with its
// embedded agent runs busybox pods with runc, driven by the real kubectl. Probes run inside
// the containers (exec) and into the pods' network namespaces (httpGet, tcpSocket).
// Everything the test creates on the machine is removed with `k8ts reset` at the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AgentNode, startAgentNode } from '../support/agent-node.js';
import type { Kubectl } from '../support/kubectl.js';
import { killKubectlStreams, streamKubectl } from '../support/kubectl-stream.js';
import { runCleanup, waitFor } from '../support/wait-for.js';

const tag = randomBytes(3).toString('hex');

let agentNode: AgentNode;
let image: string;
let k: Kubectl;

const getPod = (name: string) => agentNode.pod(name);

async function applyPod(name: string, spec: Record<string, unknown>): Promise<void> {
  await agentNode.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 5, ...spec } });
}

/** `kubectl get pod <name> --no-headers` split into NAME READY STATUS RESTARTS AGE. */
async function row(name: string): Promise<{ ready: string; status: string; restarts: string }> {
  const [, ready, status, restarts] = (await k.ok(['get', 'pod', name, '--no-headers'])).trim().split(/\s+/);
  return { ready: ready!, status: status!, restarts: restarts! };
}

async function events(name: string): Promise<string> {
  return k.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '--sort-by=.lastTimestamp', '-o', 'custom-columns=REASON:.reason,MESSAGE:.message', '--no-headers']);
}

/** `kubectl get pods -w` (or other `get` arguments) in the background, collecting lines. */
const watchPods = (args = ['pods']) => streamKubectl(k, ['get', ...args, '-w']);

before(async () => {
  agentNode = await startAgentNode({ name: `probe-${tag}` });
  ({ image, k } = agentNode);
});

after(() => runCleanup([killKubectlStreams, () => agentNode?.stop()]));

// Probes get a 5 s timeout: a test machine running other suites can be slow to answer.
// A main process that ends on SIGTERM, saying so (sh as PID 1 would otherwise ignore it).
const politeLoop = "trap 'echo got TERM; exit 0' TERM; while true; do sleep 0.2; done";

describe('probes', () => {
  test('readiness: 0/1 READY without restarts while the probe fails, 1/1 once it passes, and back', async () => {
    await applyPod('ready', {
      containers: [{ name: 'app', image, command: ['sh', '-c', politeLoop], readinessProbe: { exec: { command: ['test', '-e', '/tmp/ready'] }, periodSeconds: 1, timeoutSeconds: 5 } }],
    });
    await waitFor('Running 0/1', async () => {
      const r = await row('ready');
      return r.status === 'Running' && r.ready === '0/1';
    });
    let pod = (await getPod('ready'))!;
    const cond = (p: any, t: string) => p.status.conditions.find((c: any) => c.type === t);
    assert.equal(cond(pod, 'Ready').status, 'False');
    assert.equal(cond(pod, 'Ready').reason, 'ContainersNotReady');
    assert.equal(cond(pod, 'ContainersReady').status, 'False');
    assert.equal(pod.status.containerStatuses[0].started, true);
    assert.equal(pod.status.containerStatuses[0].ready, false);

    await k.ok(['exec', 'ready', '--', 'touch', '/tmp/ready']);
    await waitFor('1/1', async () => (await row('ready')).ready === '1/1');
    pod = (await getPod('ready'))!;
    assert.equal(cond(pod, 'Ready').status, 'True');

    await k.ok(['exec', 'ready', '--', 'rm', '/tmp/ready']);
    await waitFor('back to 0/1', async () => (await row('ready')).ready === '0/1');
    assert.equal((await row('ready')).restarts, '0');
    assert.match(await events('ready'), /^Unhealthy\s+Readiness probe failed: *$/m);
  });

  test('an exec probe whose command does not exist fails with the runtime message', async () => {
    await applyPod('nocmd', {
      containers: [{ name: 'app', image, command: ['sh', '-c', politeLoop], readinessProbe: { exec: { command: ['no-such-tool'] }, periodSeconds: 1, timeoutSeconds: 5 } }],
    });
    await waitFor('the failure event', async () => /^Unhealthy\s+Readiness probe failed: OCI runtime exec failed: .*"no-such-tool": executable file not found in \$PATH: unknown$/m.test(await events('nocmd')));
    assert.equal((await row('nocmd')).ready, '0/1');
  });

  test('liveness (httpGet into the pod): a failing probe restarts the container, preStop runs before SIGTERM', async () => {
    await applyPod('live', {
      containers: [
        {
          name: 'web',
          image,
          ports: [{ name: 'http', containerPort: 8080 }],
          command: ['sh', '-c', `mkdir -p /www; echo ok > /www/healthz; httpd -p 8080 -h /www; ${politeLoop}`],
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1, timeoutSeconds: 5, failureThreshold: 2 },
          lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo prestop > /proc/1/fd/1'] } } },
        },
      ],
    });
    await waitFor('live 1/1 Running', async () => {
      const r = await row('live');
      return r.ready === '1/1' && r.status === 'Running';
    });
    await k.ok(['exec', 'live', '--', 'rm', '/www/healthz']);
    await waitFor('a restart', async () => Number((await row('live')).restarts) >= 1);
    const ev = await events('live');
    assert.match(ev, /^Unhealthy\s+Liveness probe failed: HTTP probe failed with statuscode: 404$/m);
    assert.match(ev, /^Killing\s+Container web failed liveness probe, will be restarted$/m);
    // The previous container logged the preStop hook's line before it got SIGTERM.
    const described = await k.ok(['describe', 'pod', 'live']);
    assert.match(described, /Liveness:\s+http-get http:\/\/:http\/healthz delay=0s timeout=5s period=1s #success=1 #failure=2/);
    const previous = await k.ok(['logs', 'live', '--previous']);
    assert.match(previous, /prestop\ngot TERM\n$/);
    // The new container is healthy again (the file is back) and stays up.
    await waitFor('live 1/1 again', async () => (await row('live')).ready === '1/1');
    const pod = (await getPod('live'))!;
    assert.equal(pod.status.containerStatuses[0].lastState.terminated.exitCode, 0);
  });

  test('startup probe (tcpSocket) holds liveness back until the app listens', async () => {
    // Liveness would fail for the first 3 s; the startup probe keeps it from running then.
    await applyPod('slow', {
      containers: [
        {
          name: 'app',
          image,
          command: ['sh', '-c', `sleep 3; touch /tmp/alive; mkdir -p /www; httpd -p 8081 -h /www; ${politeLoop}`],
          startupProbe: { tcpSocket: { port: 8081 }, periodSeconds: 1, timeoutSeconds: 5, failureThreshold: 30 },
          livenessProbe: { exec: { command: ['test', '-e', '/tmp/alive'] }, periodSeconds: 1, timeoutSeconds: 5, failureThreshold: 1 },
        },
      ],
    });
    const early = await waitFor('running, not started', async () => {
      const p = await getPod('slow');
      const cs = p?.status?.containerStatuses?.[0];
      return cs?.state?.running ? cs : undefined;
    });
    assert.equal(early.started, false);
    assert.equal(early.ready, false);
    await waitFor('started and ready', async () => {
      const cs = (await getPod('slow'))?.status?.containerStatuses?.[0];
      return cs?.started === true && cs.ready === true;
    });
    assert.equal((await row('slow')).restarts, '0');
    assert.doesNotMatch(await events('slow'), /Liveness probe failed/);
  });
});

describe('lifecycle hooks', () => {
  test('postStart runs before the container counts as Running; a failing one kills it', async () => {
    await applyPod('hooked', {
      containers: [{ name: 'app', image, command: ['sh', '-c', politeLoop], lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo from-poststart > /tmp/hook'] } } } }],
    });
    await waitFor('hooked Running', async () => (await row('hooked')).status === 'Running');
    assert.equal((await k.ok(['exec', 'hooked', '--', 'cat', '/tmp/hook'])).trim(), 'from-poststart');

    await applyPod('badhook', {
      containers: [{ name: 'app', image, command: ['sh', '-c', politeLoop], lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo nope; exit 3'] } } } }],
    });
    await waitFor('FailedPostStartHook', async () => /^FailedPostStartHook\s+PostStartHook failed$/m.test(await events('badhook')));
    await waitFor('killed and restarted', async () => Number((await row('badhook')).restarts) >= 1);
    assert.match(await events('badhook'), /^Killing\s+FailedPostStartHook$/m);
  });
});

describe('a postStart hook that never ends', () => {
  test('does not keep the pod from being deleted', async () => {
    await applyPod('stuck', {
      terminationGracePeriodSeconds: 2,
      containers: [{ name: 'app', image, command: ['sh', '-c', politeLoop], lifecycle: { postStart: { exec: { command: ['sleep', '3600'] } } } }],
    });
    await waitFor('the container started (its hook runs)', async () => /^Started\s/m.test(await events('stuck')));
    assert.equal((await row('stuck')).status, 'ContainerCreating');
    await k.ok(['delete', 'pod', 'stuck', '--wait=false']);
    await waitFor('stuck gone', async () => (await getPod('stuck')) === undefined, 60_000);
  });
});

describe('preStop httpGet', () => {
  test('deleting a pod first calls its preStop URL, then stops it', async () => {
    await applyPod('bye', {
      containers: [
        {
          name: 'web',
          image,
          command: ['sh', '-c', 'mkdir -p /www && echo bye > /www/bye && exec httpd -f -vv -p 8080 -h /www'],
          lifecycle: { preStop: { httpGet: { path: '/bye', port: 8080 } } },
        },
      ],
    });
    await waitFor('bye Running', async () => (await row('bye')).status === 'Running');
    // `logs -f` follows the container to its end; the request log line must come before it.
    const logs = streamKubectl(k, ['logs', '-f', 'bye']);
    await new Promise((r) => setTimeout(r, 500));
    await k.ok(['delete', 'pod', 'bye', '--wait=false']);
    await waitFor('the preStop request in the log', async () => logs.text().includes('/bye'));
    logs.stop();
  });
});

describe('init containers', () => {
  test('an init container waiting for a file: Init:0/1, then Running', async () => {
    const watch = watchPods();
    await applyPod('initwait', {
      initContainers: [{ name: 'wait', image, command: ['sh', '-c', 'until [ -e /tmp/go ]; do sleep 0.2; done; echo released'] }],
      containers: [{ name: 'app', image, command: ['sh', '-c', politeLoop] }],
    });
    await waitFor('Init:0/1', async () => (await row('initwait')).status === 'Init:0/1');
    const pod = (await getPod('initwait'))!;
    const initialized = pod.status.conditions.find((c: any) => c.type === 'Initialized');
    assert.equal(initialized.status, 'False');
    assert.equal(initialized.reason, 'ContainersNotInitialized');
    assert.equal(initialized.message, 'containers with incomplete status: [wait]');
    assert.deepEqual(pod.status.containerStatuses[0].state, { waiting: { reason: 'PodInitializing' } });
    assert.ok(pod.status.initContainerStatuses[0].state.running);

    await k.ok(['exec', 'initwait', '-c', 'wait', '--', 'touch', '/tmp/go']);
    await waitFor('Running', async () => {
      const r = await row('initwait');
      return r.status === 'Running' && r.ready === '1/1';
    });
    watch.stop();
    const states = watch.lines.filter((l) => l.startsWith('initwait ')).map((l) => l.split(/\s+/)[2]);
    assert.ok(states.includes('Init:0/1') && states.indexOf('Init:0/1') < states.lastIndexOf('Running'), states.join(' → '));
    const done = (await getPod('initwait'))!;
    assert.equal(done.status.initContainerStatuses[0].state.terminated.reason, 'Completed');
    assert.equal(done.status.initContainerStatuses[0].ready, true);
    assert.equal((await k.ok(['logs', 'initwait', '-c', 'wait'])).trim(), 'released');
  });

  test('a failing init container: Init:Error then Init:CrashLoopBackOff; with restartPolicy Never the pod fails', async () => {
    await applyPod('initcrash', {
      initContainers: [{ name: 'setup', image, command: ['sh', '-c', 'exit 2'] }],
      containers: [{ name: 'app', image, command: ['sh', '-c', politeLoop] }],
    });
    await applyPod('initfail', {
      restartPolicy: 'Never',
      initContainers: [{ name: 'setup', image, command: ['sh', '-c', 'exit 2'] }],
      containers: [{ name: 'app', image, command: ['sh', '-c', politeLoop] }],
    });
    await waitFor('Init:CrashLoopBackOff', async () => (await row('initcrash')).status === 'Init:CrashLoopBackOff');
    assert.ok(Number((await row('initcrash')).restarts) >= 1);
    const failed = await waitFor('initfail Failed', async () => {
      const p = await getPod('initfail');
      return p?.status?.phase === 'Failed' ? p : undefined;
    });
    assert.equal((await row('initfail')).status, 'Init:Error');
    assert.equal(failed.status.initContainerStatuses[0].state.terminated.exitCode, 2);
    assert.equal(failed.status.containerStatuses[0].state.waiting.reason, 'PodInitializing');
  });

  test('a sidecar with a startup probe holds the next init container back until it started', async () => {
    await applyPod('sidecars', {
      initContainers: [
        {
          name: 'proxy',
          image,
          restartPolicy: 'Always',
          command: ['sh', '-c', `sleep 2; touch /tmp/up; ${politeLoop}`],
          startupProbe: { exec: { command: ['test', '-e', '/tmp/up'] }, periodSeconds: 1, timeoutSeconds: 5, failureThreshold: 30 },
        },
        { name: 'migrate', image, command: ['sh', '-c', 'echo migrated'] },
      ],
      containers: [{ name: 'app', image, command: ['sh', '-c', politeLoop] }],
    });
    const waiting = await waitFor('sidecar running but not started', async () => {
      const p = await getPod('sidecars');
      const s = p?.status?.initContainerStatuses?.[0];
      return s?.state?.running && s.started === false ? p : undefined;
    });
    assert.equal(waiting.status.initContainerStatuses[1].containerID, undefined);
    await waitFor('Running 2/2', async () => {
      const r = await row('sidecars');
      return r.status === 'Running' && r.ready === '2/2';
    });
    const p = (await getPod('sidecars'))!;
    assert.equal(p.status.initContainerStatuses[0].started, true);
    assert.equal(p.status.initContainerStatuses[1].state.terminated.reason, 'Completed');
  });

  test('deleting a pod stops app containers before their sidecar', async () => {
    await applyPod('ordered', {
      initContainers: [{ name: 'side', image, restartPolicy: 'Always', command: ['sh', '-c', politeLoop] }],
      containers: [{ name: 'app', image, command: ['sh', '-c', "trap 'sleep 1.5; exit 0' TERM; while true; do sleep 0.2; done"] }],
    });
    await waitFor('ordered 2/2', async () => (await row('ordered')).ready === '2/2');
    // The last status before the pod goes holds both finish times.
    const watch = watchPods(['pod', 'ordered', '-o', 'jsonpath={.status.initContainerStatuses[0].state.terminated.finishedAt} {.status.containerStatuses[0].state.terminated.finishedAt}{"\\n"}']);
    await new Promise((r) => setTimeout(r, 1000));
    await k.ok(['delete', 'pod', 'ordered', '--wait=false']);
    const stopped = await waitFor('both stopped', async () => {
      const line = watch.lines.find((l) => /^\S+Z \S+Z$/.test(l.trim()));
      if (!line) return undefined;
      const [side, app] = line.trim().split(' ');
      return { side: { finishedAt: side! }, app: { finishedAt: app! } };
    });
    watch.stop();
    assert.ok(Date.parse(stopped.side.finishedAt) >= Date.parse(stopped.app.finishedAt), `sidecar ${stopped.side.finishedAt} before app ${stopped.app.finishedAt}`);
  });
});
