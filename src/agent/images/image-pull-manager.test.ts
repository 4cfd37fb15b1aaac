// The kubelet's image pull states and events, against a real registry: ErrImagePull with the
// registry's reason, then ImagePullBackOff until the backoff passes; InvalidImageName;
// ErrImageNeverPull; "already present" and "Successfully pulled".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.js';
import { buildImage, pushImage } from '../../../test/support/test-images.js';
import { formatDuration, ImagePullManager, type ImageEvent } from './image-pull-manager.js';
import { LocalImageService } from './local-image-service.js';

let registry: TestRegistry;
let work: string;
let now = 1_000_000;
const clock = { now: () => now };

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'k8ts-pull-manager-test-'));
  registry = await startRegistry({ htpasswd: [{ username: 'u', password: 'p' }] });
  await pushImage(registry.url, 'app', '1', await buildImage([[{ type: 'file', path: 'a', content: 'a' }]]), { username: 'u', password: 'p' });
});

after(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('a missing image: ErrImagePull with the registry message, then ImagePullBackOff, then a retry', async () => {
  const manager = new ImagePullManager(await LocalImageService.open({ root: join(work, 'a') }), clock);
  const image = `${registry.host}/app:missing`;
  const secret = { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [registry.host]: { username: 'u', password: 'p' } } })).toString('base64') } };
  const events: ImageEvent[] = [];
  const first = await manager.ensureImageExists({ podUID: 'uid-1', image, pullSecrets: [secret] }, (e) => events.push(e));
  const registryMessage = `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found: manifest unknown: manifest unknown`;
  assert.deepEqual(first, { status: 'waiting', reason: 'ErrImagePull', message: registryMessage });
  assert.deepEqual(events, [
    { type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"` },
    { type: 'Warning', reason: 'Failed', message: `Failed to pull image "${image}": ${registryMessage}` },
    { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' },
  ]);
  events.length = 0;
  now += 5_000;
  const second = await manager.ensureImageExists({ podUID: 'uid-1', image, pullSecrets: [secret] }, (e) => events.push(e));
  assert.deepEqual(second, { status: 'waiting', reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${registryMessage}` });
  assert.deepEqual(events, [
    { type: 'Normal', reason: 'BackOff', message: `Back-off pulling image "${image}"` },
    { type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff' },
  ]);
  // Another pod has its own backoff.
  assert.equal((await manager.ensureImageExists({ podUID: 'uid-2', image, pullSecrets: [secret] })).status, 'waiting');
  assert.equal(manager.backoff.delay(`uid-2_${image}`), 10_000);
  now += 5_001;
  const third = await manager.ensureImageExists({ podUID: 'uid-1', image, pullSecrets: [secret] });
  assert.equal(third.status === 'waiting' && third.reason, 'ErrImagePull');
  assert.equal(manager.backoff.delay(`uid-1_${image}`), 20_000);
});

test('pulled with a pull secret, then already present', async () => {
  const manager = new ImagePullManager(await LocalImageService.open({ root: join(work, 'b') }), clock);
  const image = `${registry.host}/app:1`;
  const noAuth = await manager.ensureImageExists({ podUID: 'p', image, pullPolicy: 'IfNotPresent' });
  assert.equal(noAuth.status === 'waiting' && noAuth.reason, 'ErrImagePull');
  assert.match(noAuth.status === 'waiting' ? noAuth.message : '', /authentication required/);
  now += 600_000;
  const secret = { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [registry.host]: { username: 'u', password: 'p' } } })).toString('base64') } };
  const events: ImageEvent[] = [];
  const ok = await manager.ensureImageExists({ podUID: 'p', image, pullPolicy: 'IfNotPresent', pullSecrets: [secret] }, (e) => events.push(e));
  assert.equal(ok.status, 'ready');
  assert.match(events[1]!.message, new RegExp(`^Successfully pulled image "${image.replace(/\./g, '\\.')}" in \\S+ \\(\\S+ including waiting\\)\\. Image size: \\d+ bytes\\.$`));
  events.length = 0;
  assert.equal((await manager.ensureImageExists({ podUID: 'p', image, pullPolicy: 'IfNotPresent' }, (e) => events.push(e))).status, 'ready');
  assert.deepEqual(events, [{ type: 'Normal', reason: 'Pulled', message: `Container image "${image}" already present on machine` }]);
});

test('InvalidImageName and ErrImageNeverPull', async () => {
  const manager = new ImagePullManager(await LocalImageService.open({ root: join(work, 'c') }), clock);
  const events: ImageEvent[] = [];
  assert.deepEqual(await manager.ensureImageExists({ podUID: 'p', image: 'Bad:Image' }, (e) => events.push(e)), {
    status: 'waiting',
    reason: 'InvalidImageName',
    message: 'Failed to apply default image tag "Bad:Image": couldn\'t parse image name "Bad:Image": invalid reference format: repository name (library/Bad) must be lowercase',
  });
  assert.equal(events[0]!.reason, 'InspectFailed');
  assert.deepEqual(await manager.ensureImageExists({ podUID: 'p', image: 'busybox:never', pullPolicy: 'Never' }), {
    status: 'waiting',
    reason: 'ErrImageNeverPull',
    message: 'Container image "busybox:never" is not present with pull policy of Never',
  });
});

test('durations print like Go', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(845), '845ms');
  assert.equal(formatDuration(1234), '1.234s');
  assert.equal(formatDuration(2000), '2s');
  assert.equal(formatDuration(123_500), '2m3.5s');
  assert.equal(formatDuration(3_723_000), '1h2m3s');
});
