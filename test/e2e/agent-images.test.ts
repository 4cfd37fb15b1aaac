// Images on a real node, as a user meets them with the real kubectl: pods pull from a local
// docker-registry (plain, and one with htpasswd basic auth through imagePullSecrets), run an
// image loaded with `k8ts image import`, resolve `docker.io/library/NAME:TAG` through a
// registries.yaml mirror, and report a missing image as ErrImagePull, then ImagePullBackOff —
// one BackOff event whose count grows, not a burst — until the image is pushed and the pod runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { AgentNode, startAgentNode } from '../support/agent-node.js';
import type { TestServer } from '../support/k8ts-server.js';
import { Kubectl, kubectlBinary } from '../support/kubectl.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { buildBusyboxImage, dockerArchiveTar, pushImage } from '../support/test-images.js';
import { runCleanup, waitFor } from '../support/wait-for.js';

const run = promisify(execFile);
const tag = randomBytes(3).toString('hex');
const bin = resolve(import.meta.dirname, '../../../bin/k8ts');
const user = { username: 'k8ts', password: `pw-${tag}` };

let n: AgentNode | undefined;
let registry: TestRegistry | undefined;
let secured: TestRegistry | undefined;
let server: TestServer | undefined;
let dataDir: string | undefined;
let k: Kubectl;
let busybox: Awaited<ReturnType<typeof buildBusyboxImage>>;

async function runPod(name: string, image: string, extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}): Promise<void> {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { ...extra, containers: [{ name: 'c', image, command: ['sh', '-c', 'echo up; sleep 100000'], ...container }] } };
  await k.ok(['apply', '-f', '-'], { input: JSON.stringify(pod) });
}

async function containerStatus(name: string): Promise<Record<string, any> | undefined> {
  const out = await k.ok(['get', 'pod', name, '-o', 'json']);
  return (JSON.parse(out) as { status?: { containerStatuses?: Record<string, any>[] } }).status?.containerStatuses?.[0];
}

async function waitRunning(name: string): Promise<Record<string, any>> {
  return waitFor(`${name} running`, async () => {
    const s = await containerStatus(name);
    return s?.state?.running ? s : undefined;
  }, 90_000);
}

before(async () => {
  busybox = await buildBusyboxImage();
  secured = await startRegistry({ htpasswd: [user] });
  await pushImage(secured.url, 'k8ts/private', '1', busybox, user);
  n = await startAgentNode({
    name: `img-${tag}`,
    beforeStart: async (node) => {
      await pushImage(node.registry.url, 'library/k8ts-mirrored', '1.0', busybox);
      // k3s's registries.yaml in the data dir: Docker Hub names come from the local registry.
      writeFileSync(join(node.dataDir, 'registries.yaml'), `mirrors:\n  docker.io:\n    endpoint: ["http://${node.registry.host}"]\n`);
      writeFileSync(join(node.dataDir, 'imported.tar'), await dockerArchiveTar([{ image: busybox, repoTags: ['k8ts-imported:1'] }]));
    },
  });
  ({ registry, server, dataDir, k } = n);
});

after(() => runCleanup([() => n?.stop(), () => secured?.stop()]));

describe('images on a node', () => {
  it('pulls from a local registry and reports image and imageID', async () => {
    const image = `${registry!.host}/k8ts/busybox:test`;
    await runPod('plain', image);
    const s = await waitRunning('plain');
    assert.equal(s.image, image);
    assert.match(s.imageID, new RegExp(`^${registry!.host}/k8ts/busybox@sha256:[0-9a-f]{64}$`));
  });

  it('runs an image loaded with k8ts image import (imagePullPolicy Never)', async () => {
    const { stdout } = await run(bin, ['image', 'import', join(dataDir!, 'imported.tar'), '--data-dir', dataDir!]);
    assert.match(stdout, /^unpacking docker\.io\/library\/k8ts-imported:1 \(sha256:[0-9a-f]{64}\)\.\.\.done\n$/);
    await runPod('imported', 'k8ts-imported:1', {}, { imagePullPolicy: 'Never' });
    const s = await waitRunning('imported');
    assert.equal(s.image, 'docker.io/library/k8ts-imported:1');
    assert.equal((await k.ok(['logs', 'imported'])).trim(), 'up');
  });

  it('resolves docker.io/library/NAME:TAG through the registries.yaml mirror', async () => {
    await runPod('mirrored', 'k8ts-mirrored:1.0');
    const s = await waitRunning('mirrored');
    assert.equal(s.image, 'docker.io/library/k8ts-mirrored:1.0');
    assert.match(s.imageID, /^docker\.io\/library\/k8ts-mirrored@sha256:[0-9a-f]{64}$/);
  });

  it('pulls from a registry with basic auth through imagePullSecrets, and not without', async () => {
    const image = `${secured!.host}/k8ts/private:1`;
    await k.ok(['create', 'secret', 'docker-registry', 'regcred', `--docker-server=${secured!.host}`, `--docker-username=${user.username}`, `--docker-password=${user.password}`]);
    await runPod('private', image, { imagePullSecrets: [{ name: 'regcred' }] });
    // Always: an image already on the node would otherwise run without credentials, as on a kubelet.
    await runPod('nocreds', image, {}, { imagePullPolicy: 'Always' });
    assert.equal((await waitRunning('private')).image, image);
    const waiting = await waitFor('nocreds refused', async () => {
      const w = (await containerStatus('nocreds'))?.state?.waiting;
      return /ErrImagePull|ImagePullBackOff/.test(w?.reason ?? '') ? w : undefined;
    }).catch(async (err: Error) => {
      throw new Error(`${err.message}:\n${await k.ok(['describe', 'pod', 'nocreds'])}`);
    });
    assert.match(waiting.message, /401|unauthorized|authorization/i);
  });

  it('a missing image: ErrImagePull, then ImagePullBackOff, with the registry\'s reason in describe', async () => {
    const image = `${registry!.host}/k8ts/missing:1`;
    const watch = spawn(kubectlBinary('1.33'), ['--kubeconfig', server!.kubeconfig, 'get', 'pods', '-w', '--no-headers', '--field-selector=metadata.name=missing'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let seen = '';
    watch.stdout.setEncoding('utf8').on('data', (d: string) => (seen += d));
    try {
      await runPod('missing', image);
      await waitFor('ImagePullBackOff in get -w', async () => /ImagePullBackOff/.test(seen), 90_000);
    } finally {
      watch.kill();
    }
    const states = seen.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[2]);
    assert.ok(states.indexOf('ErrImagePull') >= 0 && states.indexOf('ErrImagePull') < states.indexOf('ImagePullBackOff'), states.join(' → '));
    const describe = await k.ok(['describe', 'pod', 'missing']);
    assert.match(describe, /Reason:\s+(ErrImagePull|ImagePullBackOff)/);
    assert.match(describe, new RegExp(`Failed to pull image "${image.replace(/[.]/g, '\\.')}": .*not found`));
    assert.match(describe, new RegExp(`Back-off pulling image "${image.replace(/[.]/g, '\\.')}"`));

    // Repeats are one event with a growing count, as Kubernetes' event correlator makes them.
    type Ev = { reason: string; message: string; count?: number; type: string };
    const events = async () => (JSON.parse(await k.ok(['get', 'events', '--field-selector', 'involvedObject.name=missing', '-o', 'json'])) as { items: Ev[] }).items;
    const backOff = await waitFor('a BackOff event counted more than once', async () => {
      const list = (await events()).filter((e) => e.reason === 'BackOff');
      return list.length === 1 && (list[0]!.count ?? 1) > 1 ? list : undefined;
    }).catch(async (err: Error) => {
      throw new Error(`${err.message}:\n${JSON.stringify((await events()).map((e) => [e.reason, e.count, e.message]))}`);
    });
    assert.equal(backOff[0]!.type, 'Normal');
    assert.equal(backOff[0]!.message, `Back-off pulling image "${image}"`);
    const pulls = (await events()).filter((e) => e.reason === 'Pulling');
    assert.equal(pulls.length, 1, 'each pull attempt repeats the one Pulling event');

    // The image appears in the registry: the next attempt after the back-off pulls it and the pod runs.
    await pushImage(registry!.url, 'k8ts/missing', '1', busybox);
    await waitRunning('missing');
    const described = await k.ok(['describe', 'pod', 'missing']);
    for (const reason of ['Pulling', 'Pulled', 'Created', 'Started']) assert.match(described, new RegExp(`Normal\\s+${reason}\\s`), `${reason} in:\n${described}`);
    assert.match(described, new RegExp(`Successfully pulled image "${image.replace(/[.]/g, '\\.')}" in `));
    await k.ok(['delete', 'pod', 'missing', '--grace-period=1']);
  });
});
