// Deployments and ReplicaSets with the real kubectl against `k8ts server --simulate-nodes`
// (its scheduler places the pods, the simulated nodes run them):
// rollouts (status, history, undo, pause/resume, restart), self-healing, adoption, orphaning
// and cascading deletion.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/types.js';
import { Informer } from '../../src/client/informer.js';
import { RestClient, restConfigFromKubeconfig, restListWatch } from '../../src/client/rest-client.js';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl } from '../support/kubectl.js';
import { waitFor } from '../support/wait-for.js';

let server: TestServer;
let client: RestClient;
let k: Kubectl;

before(async () => {
  server = await startK8ts({ extraArgs: ['--simulate-nodes', '3'] });
  client = new RestClient(restConfigFromKubeconfig(server.kubeconfig));
  k = new Kubectl('1.33', server.kubeconfig);
});
after(async () => {
  client?.close();
  await server?.cleanup();
});

const until = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000) => waitFor(what, check, timeoutMs, 50);

const json = async (args: string[]) => JSON.parse(await k.ok([...args, '-o', 'json']));

const isReady = (p: KubeObject) =>
  !p.metadata.deletionTimestamp && ((p.status as { conditions?: { type: string; status: string }[] })?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** Watches pods with a label selector and remembers the fewest ready ones seen since start. */
async function readyFloor(ns: string, selector: string): Promise<{ min(): number; stop(): void }> {
  const pods = new Informer(restListWatch(client, `/api/v1/namespaces/${ns}/pods`, { labelSelector: selector }));
  let min = Infinity;
  let listed = false;
  const count = () => {
    if (listed) min = Math.min(min, pods.list().filter(isReady).length);
  };
  pods.on({ add: count, update: count, delete: count });
  await pods.start();
  listed = true;
  count();
  return { min: () => min, stop: () => pods.stop() };
}

describe('deployment rollouts', () => {
  const ns = 'rollouts';
  before(async () => {
    await k.ok(['create', 'namespace', ns]);
  });

  test('create, scale to 10, set image: rollout status reports progress and finishes; never fewer than replicas - maxUnavailable ready', async () => {
    await k.ok(['create', 'deployment', 'web', '-n', ns, '--image=nginx:1.25']);
    await k.ok(['scale', 'deployment', 'web', '-n', ns, '--replicas=10']);
    const first = await k.run(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /deployment "web" successfully rolled out\n$/);

    const floor = await readyFloor(ns, 'app=web');
    let rollout;
    try {
      assert.equal(floor.min(), 10);
      await k.ok(['set', 'image', 'deployment/web', '-n', ns, 'nginx=nginx:1.26']);
      rollout = await k.run(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s']);
    } finally {
      floor.stop();
    }
    assert.equal(rollout.code, 0, rollout.stderr);
    const lines = rollout.stdout.trim().split('\n');
    assert.equal(lines.at(-1), 'deployment "web" successfully rolled out');
    for (const line of lines.slice(0, -1)) {
      assert.match(
        line,
        /^Waiting for deployment (spec update to be observed\.\.\.|"web" rollout to finish: (\d+ out of 10 new replicas have been updated|\d+ old replicas are pending termination|\d+ of 10 updated replicas are available)\.\.\.)$/,
      );
    }
    // maxUnavailable defaults to 25% of 10, rounded down: 2.
    assert.ok(floor.min() >= 8, `only ${floor.min()} pods were ready at one moment`);

    const d = await json(['get', 'deployment', 'web', '-n', ns]);
    assert.equal(d.status.replicas, 10);
    assert.equal(d.status.updatedReplicas, 10);
    assert.equal(d.status.availableReplicas, 10);
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '2');
    const pods = await json(['get', 'pods', '-n', ns, '-l', 'app=web']);
    assert.equal(pods.items.length, 10);
    for (const p of pods.items) assert.equal(p.spec.containers[0].image, 'nginx:1.26');
    const table = await k.ok(['get', 'deployment', 'web', '-n', ns]);
    assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+10\/10\s+10\s+10\s+/);
  });

  test('rollout history lists revisions with change-causes; undo returns to the previous template', async () => {
    await k.ok(['annotate', 'deployment', 'web', '-n', ns, 'kubernetes.io/change-cause=image 1.26']);
    const history = await until('the change-cause to reach the ReplicaSet', async () => {
      const out = await k.ok(['rollout', 'history', 'deployment/web', '-n', ns]);
      return out.includes('image 1.26') && out;
    });
    assert.match(history, /^deployment\.apps\/web \nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+image 1\.26\n\n$/);
    const rev1 = await k.ok(['rollout', 'history', 'deployment/web', '-n', ns, '--revision=1']);
    assert.match(rev1, /Image:\s+nginx:1\.25/);

    assert.equal((await k.ok(['rollout', 'undo', 'deployment/web', '-n', ns])).trim(), 'deployment.apps/web rolled back');
    const st = await k.run(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s']);
    assert.equal(st.code, 0, st.stderr);
    const d = await json(['get', 'deployment', 'web', '-n', ns]);
    assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.25');
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '3');
    const after = await k.ok(['rollout', 'history', 'deployment/web', '-n', ns]);
    assert.match(after, /REVISION\s+CHANGE-CAUSE\n2\s+image 1\.26\n3\s+/);

    assert.equal((await k.ok(['rollout', 'undo', 'deployment/web', '-n', ns, '--to-revision=2'])).trim(), 'deployment.apps/web rolled back');
    await k.ok(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s']);
    const d2 = await json(['get', 'deployment', 'web', '-n', ns]);
    assert.equal(d2.spec.template.spec.containers[0].image, 'nginx:1.26');
    assert.equal(d2.metadata.annotations['deployment.kubernetes.io/revision'], '4');
  });

  test('pause, several changes, resume: one rollout', async () => {
    const before = (await json(['get', 'rs', '-n', ns, '-l', 'app=web'])).items.length;
    assert.equal((await k.ok(['rollout', 'pause', 'deployment/web', '-n', ns])).trim(), 'deployment.apps/web paused');
    await k.ok(['set', 'image', 'deployment/web', '-n', ns, 'nginx=nginx:1.27']);
    await k.ok(['set', 'env', 'deployment/web', '-n', ns, 'MODE=fast']);
    await k.ok(['set', 'resources', 'deployment/web', '-n', ns, '--limits=cpu=200m']);
    const paused = await until('the paused condition', async () => {
      const d = await json(['get', 'deployment', 'web', '-n', ns]);
      return d.status.observedGeneration === d.metadata.generation && d;
    });
    assert.equal(paused.status.conditions.find((c: { type: string }) => c.type === 'Progressing').reason, 'DeploymentPaused');
    assert.equal((await json(['get', 'rs', '-n', ns, '-l', 'app=web'])).items.length, before);

    assert.equal((await k.ok(['rollout', 'resume', 'deployment/web', '-n', ns])).trim(), 'deployment.apps/web resumed');
    const st = await k.run(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s']);
    assert.equal(st.code, 0, st.stderr);
    assert.equal((await json(['get', 'rs', '-n', ns, '-l', 'app=web'])).items.length, before + 1);
    const d = await json(['get', 'deployment', 'web', '-n', ns]);
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '5');
    const pod = (await json(['get', 'pods', '-n', ns, '-l', 'app=web'])).items[0];
    assert.equal(pod.spec.containers[0].image, 'nginx:1.27');
    assert.deepEqual(pod.spec.containers[0].env, [{ name: 'MODE', value: 'fast' }]);
  });

  test('rollout restart makes a new revision with a restartedAt annotation', async () => {
    assert.equal((await k.ok(['rollout', 'restart', 'deployment/web', '-n', ns])).trim(), 'deployment.apps/web restarted');
    await k.ok(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s']);
    const d = await json(['get', 'deployment', 'web', '-n', ns]);
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '6');
    const pods = (await json(['get', 'pods', '-n', ns, '-l', 'app=web'])).items;
    assert.equal(pods.length, 10);
    for (const p of pods) assert.ok(p.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
  });

  test('kubectl 1.27 and 1.30 read the same rollout status and history', async () => {
    for (const version of ['1.27', '1.30'] as const) {
      const old = new Kubectl(version, server.kubeconfig);
      assert.equal(await old.ok(['rollout', 'status', 'deployment/web', '-n', ns]), 'deployment "web" successfully rolled out\n');
      const history = await old.ok(['rollout', 'history', 'deployment/web', '-n', ns]);
      assert.match(history, /^deployment\.apps\/web \nREVISION\s+CHANGE-CAUSE\n(\d+\s+.+\n)+\n$/);
      assert.match(history, /\n6\s+/);
    }
  });

  test('a rollout without progress past progressDeadlineSeconds fails rollout status', async () => {
    // No scheduler serves "manual": the pods stay Pending and the rollout cannot progress.
    await k.ok(['apply', '-f', '-'], {
      input: `apiVersion: apps/v1
kind: Deployment
metadata: {name: stuck, namespace: ${ns}}
spec:
  replicas: 2
  progressDeadlineSeconds: 2
  selector: {matchLabels: {app: stuck}}
  template:
    metadata: {labels: {app: stuck}}
    spec:
      schedulerName: manual
      containers: [{name: c, image: busybox:1.36}]
`,
    });
    const r = await k.run(['rollout', 'status', 'deployment/stuck', '-n', ns, '--timeout=60s']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').at(-1), 'error: deployment "stuck" exceeded its progress deadline');
    const d = await json(['get', 'deployment', 'stuck', '-n', ns]);
    const progressing = d.status.conditions.find((c: { type: string }) => c.type === 'Progressing');
    assert.equal(progressing.status, 'False');
    assert.equal(progressing.reason, 'ProgressDeadlineExceeded');
    assert.match(progressing.message, /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
    await k.ok(['delete', 'deployment', 'stuck', '-n', ns]);
  });

  test('describe shows the ReplicaSets and the scaling events', async () => {
    const out = await k.ok(['describe', 'deployment', 'web', '-n', ns]);
    assert.match(out, /Replicas:\s+10 desired \| 10 updated \| 10 total \| 10 available \| 0 unavailable/);
    assert.match(out, /NewReplicaSet:\s+web-[a-z0-9]+ \(10\/10 replicas created\)/);
    assert.match(out, /Normal\s+ScalingReplicaSet\s+.*deployment-controller\s+Scaled (up|down) replica set web-[a-z0-9]+ from \d+ to \d+/);
  });
});

describe('replica sets and cascading deletion', () => {
  const ns = 'sets';
  before(async () => {
    await k.ok(['create', 'namespace', ns]);
  });

  const rsYaml = (name: string, replicas: number) => `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: c
        image: busybox:1.36
`;

  const podsOf = async (app: string) => (await json(['get', 'pods', '-n', ns, '-l', `app=${app}`])).items as KubeObject[];

  test('deleting a pod of a ReplicaSet brings a replacement', async () => {
    await k.ok(['apply', '-f', '-'], { input: rsYaml('heal', 3) });
    const pods = await until('3 running pods', async () => {
      const p = await podsOf('heal');
      return p.length === 3 && p.every(isReady) && p;
    });
    const victim = pods[0]!.metadata.name!;
    await k.ok(['delete', 'pod', victim, '-n', ns]);
    const now = await until('a replacement', async () => {
      const p = await podsOf('heal');
      return p.length === 3 && !p.some((x) => x.metadata.name === victim) && p.every(isReady) && p;
    });
    assert.ok(now.every((p) => /^heal-[a-z0-9]{5}$/.test(p.metadata.name!)));
    const rs = await json(['get', 'rs', 'heal', '-n', ns]);
    assert.deepEqual([rs.status.replicas, rs.status.readyReplicas, rs.status.availableReplicas], [3, 3, 3]);
    const table = await k.ok(['get', 'rs', 'heal', '-n', ns]);
    assert.match(table, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\nheal\s+3\s+3\s+3\s+/);
  });

  test('a pod created by hand with matching labels is adopted', async () => {
    await k.ok(['run', 'handmade', '-n', ns, '--image=busybox:1.36', '--labels=app=adopt']);
    await k.ok(['apply', '-f', '-'], { input: rsYaml('adopt', 2) });
    const rs = await json(['get', 'rs', 'adopt', '-n', ns]);
    const pod = await until('the hand-made pod to be adopted', async () => {
      const p = await json(['get', 'pod', 'handmade', '-n', ns]);
      return p.metadata.ownerReferences?.length && p;
    });
    assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'adopt', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    const all = await until('2 pods in all', async () => {
      const p = await podsOf('adopt');
      return p.length === 2 && p;
    });
    assert.ok(all.some((p) => p.metadata.name === 'handmade'));
  });

  test('kubectl delete rs --cascade=orphan leaves its pods', async () => {
    await k.ok(['apply', '-f', '-'], { input: rsYaml('orphans', 2) });
    const pods = await until('2 pods', async () => {
      const p = await podsOf('orphans');
      return p.length === 2 && p.every((x) => x.metadata.ownerReferences?.length) && p;
    });
    await k.ok(['delete', 'rs', 'orphans', '-n', ns, '--cascade=orphan']);
    const left = await until('the owner references to go', async () => {
      const p = await podsOf('orphans');
      return p.every((x) => !x.metadata.ownerReferences) && p;
    });
    assert.deepEqual(left.map((p) => p.metadata.name).sort(), pods.map((p) => p.metadata.name).sort());
    const r = await k.run(['get', 'rs', 'orphans', '-n', ns]);
    assert.match(r.stderr, /NotFound/);
  });

  test('deleting a Deployment removes its ReplicaSets and pods', async () => {
    await k.ok(['create', 'deployment', 'gone', '-n', ns, '--image=busybox:1.36', '--replicas=3']);
    await k.ok(['rollout', 'status', 'deployment/gone', '-n', ns, '--timeout=60s']);
    await k.ok(['delete', 'deployment', 'gone', '-n', ns]);
    await until('ReplicaSets and pods to be collected', async () => {
      const rs = (await json(['get', 'rs', '-n', ns, '-l', 'app=gone'])).items;
      const pods = await podsOf('gone');
      return rs.length === 0 && pods.length === 0;
    });
  });

  test('--cascade=foreground blocks until the dependents are gone', async () => {
    await k.ok(['create', 'deployment', 'fg', '-n', ns, '--image=busybox:1.36', '--replicas=3']);
    await k.ok(['rollout', 'status', 'deployment/fg', '-n', ns, '--timeout=60s']);
    const out = await k.ok(['delete', 'deployment', 'fg', '-n', ns, '--cascade=foreground']);
    assert.equal(out.trim(), 'deployment.apps "fg" deleted');
    // No waiting here: the command returned only once everything below it was gone.
    assert.equal((await json(['get', 'rs', '-n', ns, '-l', 'app=fg'])).items.length, 0);
    assert.equal((await podsOf('fg')).length, 0);
  });
});
