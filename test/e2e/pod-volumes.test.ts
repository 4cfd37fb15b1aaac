// Pod volumes end to end: a real `k8ts server` with its embedded agent runs busybox pods
// from a real registry, driven by the real kubectl. ConfigMaps, Secrets, emptyDir,
// downwardAPI, projected service account tokens, hostPath, subPath and a pre-bound
// hostPath PersistentVolume, read back from inside the containers with `kubectl exec`.
// Everything the test creates on the machine is removed with `k8ts reset` at the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resetNode } from '../../src/agent/reset/reset.js';
import { runCommand } from '../../src/agent/runtime/command.js';
import { mountPoints } from '../../src/agent/runtime/overlay.js';
import { AgentNode, startAgentNode } from '../support/agent-node.js';
import { Kubectl } from '../support/kubectl.js';
import { waitFor } from '../support/wait-for.js';

const tag = randomBytes(3).toString('hex');

let n: AgentNode;
let image: string;
let dataDir: string;
let hostDir: string;
let k: Kubectl;
const apply = (obj: Record<string, unknown>) => n.apply(obj);

function pod(name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { test: 'volumes', ...labels } }, spec: { terminationGracePeriodSeconds: 1, ...spec } };
}

const sleeper = (name: string, extra: Record<string, unknown> = {}) => ({ name, image, command: ['sleep', '3600'], ...extra });

/** Running with every container ready. */
async function running(name: string): Promise<void> {
  await n.running(name, { ready: true });
}

const exec = (pod: string, cmd: string, container?: string) => k.ok(['exec', pod, ...(container ? ['-c', container] : []), '--', 'sh', '-c', cmd]);

async function events(name: string): Promise<string> {
  return k.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'custom-columns=REASON:.reason,MESSAGE:.message', '--no-headers']);
}

before(async () => {
  n = await startAgentNode({ name: `e2e-vol-${tag}` });
  ({ image, dataDir, k } = n);
  hostDir = join(dataDir, 'host');
  mkdirSync(hostDir);
  // Pods need the default service account and the root CA ConfigMap for their API token.
  await waitFor('default service account', async () => (await k.run(['get', 'serviceaccount', 'default'])).code === 0);
});

after(() => n?.stop());

describe('configMap', () => {
  test('as env and as files; an edit reaches the running pod, a subPath mount keeps the old content', async () => {
    const src = join(dataDir, 'app.properties');
    writeFileSync(src, 'color=blue\n');
    await k.ok(['create', 'configmap', 'app', `--from-file=${src}`, '--from-literal=MODE=dev']);
    await apply(pod('cm', {
      containers: [sleeper('c', {
        envFrom: [{ configMapRef: { name: 'app' } }],
        volumeMounts: [{ name: 'cfg', mountPath: '/etc/app' }, { name: 'cfg', mountPath: '/etc/pinned.properties', subPath: 'app.properties' }],
      })],
      volumes: [{ name: 'cfg', configMap: { name: 'app' } }],
    }));
    await running('cm');
    assert.equal((await exec('cm', 'echo $MODE')).trim(), 'dev');
    assert.equal(await exec('cm', 'cat /etc/app/app.properties'), 'color=blue\n');
    const listing = await exec('cm', 'ls -la /etc/app');
    assert.match(listing, /\.\.data -> \.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+/);
    assert.match(listing, /app\.properties -> \.\.data\/app\.properties/);
    assert.match(await exec('cm', 'touch /etc/app/x 2>&1; echo rc=$?'), /Read-only file system[\s\S]*rc=1/);

    writeFileSync(src, 'color=green\n');
    const yaml = await k.ok(['create', 'configmap', 'app', `--from-file=${src}`, '--from-literal=MODE=dev', '--dry-run=client', '-o', 'yaml']);
    await k.ok(['apply', '-f', '-'], { input: yaml });
    await waitFor('updated file in the pod', async () => (await exec('cm', 'cat /etc/app/app.properties')) === 'color=green\n', 60_000);
    assert.equal(await exec('cm', 'cat /etc/pinned.properties'), 'color=blue\n');
  });

  test('a missing ConfigMap keeps the pod in ContainerCreating with FailedMount until it exists', async () => {
    await apply(pod('late', { containers: [sleeper('c', { volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }] })], volumes: [{ name: 'cfg', configMap: { name: 'late-config' } }] }));
    await waitFor('FailedMount', async () => (await events('late')).includes('MountVolume.SetUp failed for volume "cfg" : configmap "late-config" not found'));
    assert.match(await k.ok(['get', 'pod', 'late', '--no-headers']), /ContainerCreating/);
    await k.ok(['create', 'configmap', 'late-config', '--from-literal=k=v']);
    await running('late');
    assert.equal(await exec('late', 'cat /cfg/k'), 'v');
  });
});

describe('secret', () => {
  test('defaultMode 0400 files with decoded content; the API shows base64', async () => {
    await k.ok(['create', 'secret', 'generic', 'db', '--from-literal=password=s3cr3t!']);
    assert.equal(await k.ok(['get', 'secret', 'db', '-o', 'jsonpath={.data.password}']), Buffer.from('s3cr3t!').toString('base64'));
    await apply(pod('sec', { containers: [sleeper('c', { volumeMounts: [{ name: 's', mountPath: '/etc/secret', readOnly: true }] })], volumes: [{ name: 's', secret: { secretName: 'db', defaultMode: 0o400 } }] }));
    await running('sec');
    assert.match(await exec('sec', 'ls -lL /etc/secret/password'), /^-r-------- /);
    assert.equal(await exec('sec', 'cat /etc/secret/password'), 's3cr3t!');
    // Secrets sit on a tmpfs, never on the node's disk.
    assert.match(await exec('sec', 'grep " /etc/secret " /proc/mounts'), /^k8ts-volume \/etc\/secret tmpfs ro/);
  });

  test('with fsGroup, a non-root user reads a 0400 secret through its group', async () => {
    await apply(pod('fsg', {
      securityContext: { runAsUser: 1000, fsGroup: 2000 },
      containers: [sleeper('c', { volumeMounts: [{ name: 's', mountPath: '/etc/secret' }, { name: 'd', mountPath: '/data' }] })],
      volumes: [{ name: 's', secret: { secretName: 'db', defaultMode: 0o400 } }, { name: 'd', emptyDir: {} }],
    }));
    await running('fsg');
    assert.match(await exec('fsg', 'ls -lnL /etc/secret/password'), /^-r--r----- +1 0 +2000 /);
    assert.equal(await exec('fsg', 'cat /etc/secret/password'), 's3cr3t!');
    assert.match(await exec('fsg', 'touch /data/mine && ls -ln /data/mine && ls -ldn /data'), /^-\S+ +1 1000 +2000 [\s\S]*\ndrwxrwsrwx +\d+ 0 +2000 /);
  });
});

describe('emptyDir, downwardAPI, hostPath, subPathExpr', () => {
  test('two containers share an emptyDir; labels via downwardAPI; hostPath DirectoryOrCreate; subPathExpr', async () => {
    const hp = join(hostDir, 'made-by-pod');
    await apply(pod('shared', {
      containers: [
        { name: 'writer', image, command: ['sh', '-c', 'echo hello from writer > /data/msg; sleep 3600'], volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'host', mountPath: '/host' }], env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] },
        sleeper('reader', { volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'info', mountPath: '/etc/podinfo' }, { name: 'mem', mountPath: '/mem' }] }),
        sleeper('mine', { env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], volumeMounts: [{ name: 'host', mountPath: '/mine', subPathExpr: '$(POD_NAME)' }] }),
      ],
      volumes: [
        { name: 'data', emptyDir: {} },
        { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'cpu_limit', resourceFieldRef: { containerName: 'reader', resource: 'limits.cpu', divisor: '1m' } }] } },
        { name: 'host', hostPath: { path: hp, type: 'DirectoryOrCreate' } },
      ],
    }, { app: 'web', tier: 'front' }));
    await running('shared');
    await waitFor('writer wrote', async () => (await exec('shared', 'cat /data/msg', 'reader')) === 'hello from writer\n');
    assert.equal(await exec('shared', 'cat /etc/podinfo/labels', 'reader'), 'app="web"\ntest="volumes"\ntier="front"');
    assert.match(await exec('shared', 'cat /etc/podinfo/cpu_limit', 'reader'), /^\d+$/);
    assert.match(await exec('shared', 'grep " /mem " /proc/mounts', 'reader'), /^k8ts-volume \/mem tmpfs rw.*size=16384k/);
    await exec('shared', 'echo from-mine > /mine/f', 'mine');
    assert.equal(readFileSync(join(hp, 'shared', 'f'), 'utf8'), 'from-mine\n');
    await k.ok(['label', 'pod', 'shared', 'tier=back', '--overwrite']);
    await waitFor('labels file follows', async () => (await exec('shared', 'cat /etc/podinfo/labels', 'reader')).includes('tier="back"'), 60_000);
  });

  test('a hostPath of the wrong type keeps the pod waiting with the kubelet message', async () => {
    writeFileSync(join(hostDir, 'a-file'), 'x');
    await apply(pod('badhost', { containers: [sleeper('c', { volumeMounts: [{ name: 'h', mountPath: '/h' }] })], volumes: [{ name: 'h', hostPath: { path: join(hostDir, 'a-file'), type: 'Directory' } }] }));
    await waitFor('FailedMount', async () => (await events('badhost')).includes(`MountVolume.SetUp failed for volume "h" : hostPath type check failed: ${join(hostDir, 'a-file')} is not a directory`));
    assert.match(await k.ok(['get', 'pod', 'badhost', '--no-headers']), /ContainerCreating/);
  });
});

describe('service account token', () => {
  test('the default kube-api-access volume and a projected token bound to the pod', async () => {
    await apply(pod('tok', {
      containers: [sleeper('c', { volumeMounts: [{ name: 'vault', mountPath: '/var/run/vault' }] })],
      volumes: [{ name: 'vault', projected: { sources: [{ serviceAccountToken: { audience: 'vault', expirationSeconds: 600, path: 'token' } }] } }],
    }));
    await running('tok');
    const p = JSON.parse(await k.ok(['get', 'pod', 'tok', '-o', 'json']));
    assert.ok(p.spec.volumes.some((v: any) => /^kube-api-access-[a-z0-9]{5}$/.test(v.name)));
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
    assert.equal(await exec('tok', `cat ${sa}/namespace`), 'default');
    assert.match(await exec('tok', `cat ${sa}/ca.crt`), /^-----BEGIN CERTIFICATE-----/);
    const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
    const def = claimsOf(await exec('tok', `cat ${sa}/token`));
    assert.equal(def['kubernetes.io'].pod.name, 'tok');
    assert.equal(def['kubernetes.io'].pod.uid, p.metadata.uid);
    assert.equal(def.sub, 'system:serviceaccount:default:default');
    const vault = await exec('tok', 'cat /var/run/vault/token');
    assert.equal(vault.split('.').length, 3);
    const c = claimsOf(vault);
    assert.deepEqual(c.aud, ['vault']);
    assert.equal(c.exp - c.iat, 600);
    assert.equal(c['kubernetes.io'].pod.uid, p.metadata.uid);
    // An in-cluster client's view: the mounted token and CA authenticate as the service account.
    const cfg = JSON.parse(await k.ok(['config', 'view', '--raw', '--minify', '-o', 'json']));
    const inCluster = join(dataDir, 'in-cluster.kubeconfig');
    writeFileSync(inCluster, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'pod',
      clusters: [{ name: 'c', cluster: { server: cfg.clusters[0].cluster.server, 'certificate-authority-data': Buffer.from(await exec('tok', `cat ${sa}/ca.crt`)).toString('base64') } }],
      users: [{ name: 'sa', user: { token: await exec('tok', `cat ${sa}/token`) } }],
      contexts: [{ name: 'pod', context: { cluster: 'c', user: 'sa', namespace: await exec('tok', `cat ${sa}/namespace`) } }],
    }));
    const who = await new Kubectl('1.33', inCluster).ok(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    assert.equal(who, 'system:serviceaccount:default:default');
  });
});

describe('mountPropagation', () => {
  test('HostToContainer sees host mounts made later; Bidirectional (privileged) shows the pod\'s mounts to the host', async () => {
    // As the kubelet does for its own dir, the host side is made a shared mount.
    const shared = join(hostDir, 'prop');
    mkdirSync(join(shared, 'later'), { recursive: true });
    mkdirSync(join(shared, 'frompod'), { recursive: true });
    await runCommand('mount', ['--bind', shared, shared]);
    await runCommand('mount', ['--make-rshared', shared]);
    await apply(pod('prop', {
      containers: [
        sleeper('slave', { volumeMounts: [{ name: 'h', mountPath: '/prop', mountPropagation: 'HostToContainer' }] }),
        sleeper('shared', { securityContext: { privileged: true }, volumeMounts: [{ name: 'h', mountPath: '/prop', mountPropagation: 'Bidirectional' }] }),
      ],
      volumes: [{ name: 'h', hostPath: { path: shared, type: 'Directory' } }],
    }));
    await running('prop');
    await runCommand('mount', ['-t', 'tmpfs', 'k8ts-e2e-prop', join(shared, 'later')]);
    writeFileSync(join(shared, 'later', 'f'), 'mounted on the host\n');
    assert.equal(await exec('prop', 'cat /prop/later/f', 'slave'), 'mounted on the host\n');
    await exec('prop', 'mount -t tmpfs k8ts-e2e-frompod /prop/frompod && echo from the pod > /prop/frompod/g', 'shared');
    assert.equal(readFileSync(join(shared, 'frompod', 'g'), 'utf8'), 'from the pod\n');
    await k.ok(['delete', 'pod', 'prop', '--wait=true']);
  });
});

describe('persistentVolumeClaim', () => {
  test('a claim pre-bound to a hostPath PV: the pod waits until the claim is Bound, then reads the PV', async () => {
    const pvDir = join(hostDir, 'pv1');
    mkdirSync(pvDir);
    writeFileSync(join(pvDir, 'hello'), 'from the PV\n');
    await apply({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `pv-${tag}` }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: pvDir, type: 'Directory' }, claimRef: { namespace: 'default', name: 'data' }, persistentVolumeReclaimPolicy: 'Retain' } });
    await apply({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: `pv-${tag}`, storageClassName: '' } });
    await apply(pod('pvc', { containers: [sleeper('c', { volumeMounts: [{ name: 'd', mountPath: '/data' }] })], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] }));
    await waitFor('unbound claim reported', async () => (await events('pvc')).includes('error processing PVC default/data: PVC is not bound'));
    // Nothing binds claims yet: do what the PV controller would.
    await k.ok(['patch', 'pvc', 'data', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Bound","accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"}}}']);
    await running('pvc');
    assert.equal(await exec('pvc', 'cat /data/hello'), 'from the PV\n');
    await exec('pvc', 'echo written > /data/out');
    assert.equal(readFileSync(join(pvDir, 'out'), 'utf8'), 'written\n');
  });
});

describe('agent restart', () => {
  test('a restarted agent keeps the volumes it finds and keeps them current', async () => {
    const p = JSON.parse(await k.ok(['get', 'pod', 'cm', '-o', 'json']));
    const volDir = join(dataDir, 'agent', 'pods', p.metadata.uid, 'volumes');
    const mountsBefore = (await mountPoints()).filter((m) => m.startsWith(volDir)).sort();
    const containerBefore = p.status.containerStatuses[0].containerID;
    await n.server.kill9();
    await n.restart();
    k = n.k;
    await running('cm');
    await k.ok(['patch', 'configmap', 'app', '--type=merge', '-p', '{"data":{"app.properties":"color=red\\n"}}']);
    await waitFor('update after restart', async () => (await exec('cm', 'cat /etc/app/app.properties')) === 'color=red\n', 60_000);
    const again = JSON.parse(await k.ok(['get', 'pod', 'cm', '-o', 'json']));
    assert.equal(again.status.containerStatuses[0].containerID, containerBefore);
    assert.deepEqual((await mountPoints()).filter((m) => m.startsWith(volDir)).sort(), mountsBefore);
  });
});

describe('cleanup', () => {
  test('deleting a pod unmounts and removes its volumes', async () => {
    const p = JSON.parse(await k.ok(['get', 'pod', 'sec', '-o', 'json']));
    const volDir = join(dataDir, 'agent', 'pods', p.metadata.uid, 'volumes');
    assert.ok((await mountPoints()).some((m) => m.startsWith(volDir)));
    await k.ok(['delete', 'pod', 'sec', '--wait=true']);
    await waitFor('volumes gone', async () => !existsSync(volDir) && !(await mountPoints()).some((m) => m.startsWith(volDir)), 30_000);
  });

  test('a pod that finished has its volumes torn down while its object stays', async () => {
    await apply(pod('finished', { restartPolicy: 'Never', containers: [{ name: 'c', image, command: ['sh', '-c', 'echo hi > /scratch/x'], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }], volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory' } }] }));
    const p = await waitFor('Succeeded', async () => {
      const o = JSON.parse(await k.ok(['get', 'pod', 'finished', '-o', 'json']));
      return o.status.phase === 'Succeeded' ? o : undefined;
    });
    const volDir = join(dataDir, 'agent', 'pods', p.metadata.uid, 'volumes');
    await waitFor('volumes torn down', async () => !existsSync(volDir) && !(await mountPoints()).some((m) => m.startsWith(volDir)), 30_000);
  });

  test('k8ts reset unmounts every volume of the pods left running', async () => {
    assert.ok((await mountPoints()).some((m) => m.startsWith(join(dataDir, 'agent', 'pods'))));
    await n.server.stop();
    await resetNode({ dataDir, removeData: false });
    assert.equal((await mountPoints()).some((m) => m.startsWith(dataDir)), false);
  });
});
