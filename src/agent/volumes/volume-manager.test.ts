import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/types.js';
import { systemClock } from '../../util/clock.js';
import { mountPoints } from '../runtime/overlay.js';
import { PodVolumesNotReady, VolumeManager } from './volume-manager.js';
import type { VolumeSources } from './volume-types.js';
import { tmpfsSource } from './tmpfs.js';

const silent = { info() {}, warn() {}, error() {}, debug() {}, child() { return silent; } } as never;

/** Objects the test puts in place of the API server's. */
class TestSources implements VolumeSources {
  readonly objects = new Map<string, KubeObject>();
  tokens = 0;
  async configMap(ns: string, name: string) {
    return this.objects.get(`configmaps/${ns}/${name}`);
  }
  async secret(ns: string, name: string) {
    return this.objects.get(`secrets/${ns}/${name}`);
  }
  async persistentVolumeClaim(ns: string, name: string) {
    return this.objects.get(`persistentvolumeclaims/${ns}/${name}`);
  }
  async persistentVolume(name: string) {
    return this.objects.get(`persistentvolumes/${name}`);
  }
  async serviceAccountToken() {
    this.tokens++;
    return { token: `token-${this.tokens}`, expiresAt: Date.now() + 3600_000 };
  }
}

function pod(volumes: unknown[], extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: `uid-${Math.random().toString(16).slice(2)}`, labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'c', image: 'x' }], volumes, ...extra } };
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-vm-'));
  const sources = new TestSources();
  const woken: string[] = [];
  const vm = new VolumeManager({ podsDir: dir, sources, allocatable: () => ({ memory: '1Gi' }), clock: systemClock, log: silent });
  vm.onPodReady((uid) => woken.push(uid));
  return { dir, sources, vm, woken, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a missing configMap fails with the kubelet message, then mounts once it exists and follows changes', async () => {
  const { sources, vm, woken, done } = setup();
  try {
    const p = pod([{ name: 'cfg', configMap: { name: 'app', defaultMode: 0o644 } }]);
    await assert.rejects(vm.setUp(p), (err: unknown) => err instanceof PodVolumesNotReady && err.errors[0]!.eventMessage === 'MountVolume.SetUp failed for volume "cfg" : configmap "app" not found');
    sources.objects.set('configmaps/default/app', { metadata: { name: 'app' }, data: { 'a.conf': 'one' } } as KubeObject);
    vm.objectChanged('configmaps/default/app');
    assert.deepEqual(woken, [p.metadata.uid]);
    const mounted = await vm.setUp(p);
    const cfg = mounted.get('cfg')!;
    assert.equal(cfg.readOnly, true);
    assert.equal(readFileSync(join(cfg.hostPath, 'a.conf'), 'utf8'), 'one');
    const gen = readlinkSync(join(cfg.hostPath, '..data'));
    sources.objects.set('configmaps/default/app', { metadata: { name: 'app' }, data: { 'a.conf': 'two' } } as KubeObject);
    vm.objectChanged('configmaps/default/app');
    await vm.setUp(p); // waits behind the refresh
    assert.equal(readFileSync(join(cfg.hostPath, 'a.conf'), 'utf8'), 'two');
    assert.notEqual(readlinkSync(join(cfg.hostPath, '..data')), gen);
    await vm.tearDown(p.metadata.uid!);
    assert.equal(existsSync(cfg.hostPath), false);
  } finally {
    done();
  }
});

test('optional sources give empty volumes; a missing item key is an error', async () => {
  const { sources, vm, done } = setup();
  try {
    const p = pod([{ name: 's', secret: { secretName: 'nope', optional: true } }]);
    const m = await vm.setUp(p);
    assert.ok(existsSync(join(m.get('s')!.hostPath, '..data')));
    await vm.tearDown(p.metadata.uid!);
    sources.objects.set('configmaps/default/app', { metadata: { name: 'app' }, data: { a: '1' } } as KubeObject);
    const q = pod([{ name: 'cfg', configMap: { name: 'app', items: [{ key: 'b', path: 'b' }] } }]);
    await assert.rejects(vm.setUp(q), /configmap references non-existent config key: b/);
    await vm.tearDown(q.metadata.uid!);
  } finally {
    done();
  }
});

test('secrets and memory emptyDirs live on a k8ts tmpfs that teardown unmounts', async () => {
  const { sources, vm, done } = setup();
  try {
    sources.objects.set('secrets/default/db', { metadata: { name: 'db' }, data: { password: Buffer.from('s3cret').toString('base64') } } as KubeObject);
    const p = pod([
      { name: 'creds', secret: { secretName: 'db', defaultMode: 0o400 } },
      { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
      { name: 'disk', emptyDir: {} },
    ]);
    const m = await vm.setUp(p);
    const creds = m.get('creds')!.hostPath;
    assert.equal(readFileSync(join(creds, 'password'), 'utf8'), 's3cret');
    assert.equal(statSync(join(creds, 'password')).mode & 0o777, 0o400);
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
    const scratch = mounts.find((l) => l.split(' ')[4] === m.get('scratch')!.hostPath);
    assert.ok(scratch?.includes(tmpfsSource), scratch);
    assert.match(scratch!, /size=8192k/);
    assert.equal(statSync(m.get('disk')!.hostPath).mode & 0o777, 0o777);
    // Set up again (as after an agent restart): nothing is mounted twice.
    await vm.setUp(p);
    assert.equal((await mountPoints()).filter((x) => x === creds).length, 1);
    await vm.tearDown(p.metadata.uid!);
    assert.equal((await mountPoints()).some((x) => x.startsWith(creds) || x === m.get('scratch')!.hostPath), false);
  } finally {
    done();
  }
});

test('downwardAPI and projected volumes', async () => {
  const { sources, vm, done } = setup();
  try {
    sources.objects.set('configmaps/default/kube-root-ca.crt', { metadata: { name: 'kube-root-ca.crt' }, data: { 'ca.crt': 'CA' } } as KubeObject);
    const p = pod([
      { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }, { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } }] } },
      { name: 'api', projected: { defaultMode: 0o644, sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
      ] } },
    ]);
    const m = await vm.setUp(p);
    const info = m.get('info')!.hostPath;
    assert.equal(readFileSync(join(info, 'labels'), 'utf8'), 'app="web"\ntier="front"');
    assert.equal(readFileSync(join(info, 'name'), 'utf8'), 'web');
    assert.equal(readFileSync(join(info, 'mem'), 'utf8'), '1024');
    const api = m.get('api')!.hostPath;
    assert.equal(readFileSync(join(api, 'token'), 'utf8'), 'token-1');
    assert.equal(readFileSync(join(api, 'ca.crt'), 'utf8'), 'CA');
    assert.equal(readFileSync(join(api, 'namespace'), 'utf8'), 'default');
    // Labels change: the next sync rewrites the file; the token is reused while fresh.
    p.metadata.labels = { app: 'web2' };
    await vm.setUp(p);
    assert.equal(readFileSync(join(info, 'labels'), 'utf8'), 'app="web2"');
    assert.equal(sources.tokens, 1);
    await vm.tearDown(p.metadata.uid!);
  } finally {
    done();
  }
});

test('hostPath types and claims', async () => {
  const { dir, sources, vm, done } = setup();
  try {
    const made = join(dir, 'made');
    const p = pod([{ name: 'h', hostPath: { path: made, type: 'DirectoryOrCreate' } }]);
    assert.equal((await vm.setUp(p)).get('h')!.hostPath, made);
    assert.ok(statSync(made).isDirectory());
    const q = pod([{ name: 'h', hostPath: { path: '/etc/hostname', type: 'Directory' } }]);
    await assert.rejects(vm.setUp(q), (e: unknown) => (e as PodVolumesNotReady).errors[0]!.eventMessage === 'MountVolume.SetUp failed for volume "h" : hostPath type check failed: /etc/hostname is not a directory');

    const c = pod([{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }]);
    await assert.rejects(vm.setUp(c), /error processing PVC default\/data: failed to fetch PVC/);
    sources.objects.set('persistentvolumeclaims/default/data', { metadata: { name: 'data', uid: 'claim-uid' }, spec: { volumeName: 'pv1' }, status: { phase: 'Pending' } } as KubeObject);
    await assert.rejects(vm.setUp(c), /PVC is not bound/);
    sources.objects.set('persistentvolumeclaims/default/data', { metadata: { name: 'data', uid: 'claim-uid' }, spec: { volumeName: 'pv1' }, status: { phase: 'Bound' } } as KubeObject);
    sources.objects.set('persistentvolumes/pv1', { metadata: { name: 'pv1' }, spec: { claimRef: { name: 'data', namespace: 'default', uid: 'claim-uid' }, hostPath: { path: made } } } as KubeObject);
    assert.equal((await vm.setUp(c)).get('data')!.hostPath, made);
    for (const x of [p, q, c]) await vm.tearDown(x.metadata.uid!);
  } finally {
    done();
  }
});

test('pods set up side by side keep each other\'s watches', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-vm-'));
  const retained: Set<string>[] = [];
  const sources = new TestSources();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  // The first pod's ConfigMap read is slow; the second pod finishes meanwhile.
  const slow = Object.assign(sources, {
    retain: (keys: Set<string>) => retained.push(new Set(keys)),
    configMap: async (ns: string, name: string) => {
      if (name === 'slow') await gate;
      return sources.objects.get(`configmaps/${ns}/${name}`);
    },
  });
  sources.objects.set('configmaps/default/slow', { metadata: { name: 'slow' }, data: { a: '1' } } as KubeObject);
  sources.objects.set('configmaps/default/fast', { metadata: { name: 'fast' }, data: { a: '1' } } as KubeObject);
  const vm = new VolumeManager({ podsDir: dir, sources: slow, allocatable: () => ({}), clock: systemClock, log: silent });
  try {
    const a = pod([{ name: 'c', configMap: { name: 'slow' } }]);
    const b = pod([{ name: 'c', configMap: { name: 'fast' } }]);
    const first = vm.setUp(a);
    await vm.setUp(b);
    assert.ok(retained.at(-1)!.has('configmaps/default/slow'));
    release();
    await first;
    for (const p of [a, b]) await vm.tearDown(p.metadata.uid!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('projected secrets and ConfigMaps with items and modes; missing sources are reported together', async () => {
  const { sources, vm, done } = setup();
  try {
    const p = pod([{ name: 'all', projected: { defaultMode: 0o640, sources: [
      { secret: { name: 'db', items: [{ key: 'user', path: 'db/user', mode: 0o400 }] } },
      { configMap: { name: 'app' } },
    ] } }]);
    await assert.rejects(vm.setUp(p), (e: unknown) => (e as PodVolumesNotReady).errors[0]!.eventMessage === 'MountVolume.SetUp failed for volume "all" : [secret "db" not found, configmap "app" not found]');
    sources.objects.set('secrets/default/db', { metadata: { name: 'db' }, data: { user: Buffer.from('admin').toString('base64'), pw: 'eA==' } } as KubeObject);
    sources.objects.set('configmaps/default/app', { metadata: { name: 'app' }, data: { 'app.conf': 'x=1' } } as KubeObject);
    const dir = (await vm.setUp(p)).get('all')!.hostPath;
    assert.equal(readFileSync(join(dir, 'db', 'user'), 'utf8'), 'admin');
    assert.equal(statSync(join(dir, 'db', 'user')).mode & 0o777, 0o400);
    assert.equal(existsSync(join(dir, 'pw')), false);
    assert.equal(statSync(join(dir, 'app.conf')).mode & 0o777, 0o640);
    await vm.tearDown(p.metadata.uid!);
  } finally {
    done();
  }
});
