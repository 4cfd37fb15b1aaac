// The kubelet's image pull states and events, against a real registry: ErrImagePull with the
// registry's reason, then ImagePullBackOff until the back-off passes; pull-secret
// credentials; InvalidImageName; ErrImageNeverPull; "already present" and "Successfully pulled".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.js';
import { buildImage, pushImage } from '../../../test/support/test-images.js';
import type { KubeObject } from '../../api/types.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { keyringFromSecrets, lookupKeyring } from '../images/docker-config.js';
import { parseImageRef } from '../images/image-ref.js';
import { LocalImageService } from '../images/local-image-service.js';
import { ImageNotReady, ImagePulls } from './image-pull.js';
import { PodEvents } from './pod-events.js';

let registry: TestRegistry;
let work: string;
let now = 1_000_000;
const clock = { now: () => now };
type Seen = { type: string; reason: string; message: string; fieldPath?: string };

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'k8ts-image-pull-test-'));
  registry = await startRegistry({ htpasswd: [{ username: 'u', password: 'p' }] });
  await pushImage(registry.url, 'app', '1', await buildImage([[{ type: 'file', path: 'a', content: 'a' }]]), { username: 'u', password: 'p' });
});

after(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

const secret = () => ({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [registry.host]: { username: 'u', password: 'p' } } })).toString('base64') } });

/** ImagePulls over a real image store, with events captured as the recorder receives them. */
async function pulls(dir: string, withSecret: (pod: KubeObject) => boolean = () => true) {
  const events: Seen[] = [];
  const recorder = { event: (ref: { fieldPath?: string }, type: string, reason: string, message: string) => events.push({ type, reason, message, fieldPath: ref.fieldPath }) } as unknown as EventRecorder;
  const p = new ImagePulls(await LocalImageService.open({ root: join(work, dir) }), new PodEvents(recorder), clock, async (pod, image) =>
    withSecret(pod) ? lookupKeyring(keyringFromSecrets([secret()]), parseImageRef(image).name) : [],
  );
  return { p, events };
}

const pod = (uid: string): KubeObject => ({ metadata: { name: 'p', namespace: 'default', uid } });

async function reason(run: Promise<unknown>): Promise<{ reason: string; message: string }> {
  try {
    await run;
  } catch (err) {
    if (err instanceof ImageNotReady) return { reason: err.reason, message: err.message };
    throw err;
  }
  return { reason: 'ready', message: '' };
}

test('a missing image: ErrImagePull with the registry message, then ImagePullBackOff, then a retry', async () => {
  const { p, events } = await pulls('a');
  const image = `${registry.host}/app:missing`;
  const c = { name: 'app', image, imagePullPolicy: 'IfNotPresent' };
  const registryMessage = `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found: manifest unknown: manifest unknown`;
  assert.deepEqual(await reason(p.ensure(pod('uid-1'), c)), { reason: 'ErrImagePull', message: registryMessage });
  const ref = 'spec.containers{app}';
  assert.deepEqual(events.splice(0), [
    { type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"`, fieldPath: ref },
    { type: 'Warning', reason: 'Failed', message: `Failed to pull image "${image}": ${registryMessage}`, fieldPath: ref },
    { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull', fieldPath: ref },
  ]);
  assert.equal(p.retryAt(pod('uid-1'), c), now + 10_000, 'the first back-off is 10 s');
  now += 5_000;
  assert.deepEqual(await reason(p.ensure(pod('uid-1'), c)), { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${registryMessage}` });
  assert.deepEqual(events.splice(0), [
    { type: 'Normal', reason: 'BackOff', message: `Back-off pulling image "${image}"`, fieldPath: ref },
    { type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff', fieldPath: ref },
  ]);
  // Another pod has its own back-off: it pulls at once.
  assert.equal((await reason(p.ensure(pod('uid-2'), c))).reason, 'ErrImagePull');
  now += 5_001;
  assert.equal((await reason(p.ensure(pod('uid-1'), c))).reason, 'ErrImagePull', 'the back-off passed: pulled again');
  assert.equal(p.retryAt(pod('uid-1'), c), now + 20_000, 'the back-off doubles');
  p.forgetPod('uid-1');
  assert.equal(p.retryAt(pod('uid-1'), c), undefined);
});

test('pulled with the pod pull secret, then already present', async () => {
  const { p, events } = await pulls('b', (x) => x.metadata.uid !== 'anonymous');
  const image = `${registry.host}/app:1`;
  const c = { name: 'app', image, imagePullPolicy: 'IfNotPresent' };
  const anonymous = await reason(p.ensure(pod('anonymous'), c));
  assert.equal(anonymous.reason, 'ErrImagePull');
  assert.match(anonymous.message, /authentication required/);
  events.length = 0;
  assert.equal((await reason(p.ensure(pod('with-secret'), c))).reason, 'ready');
  assert.equal(events[0]!.reason, 'Pulling');
  assert.match(events[1]!.message, new RegExp(`^Successfully pulled image "${image.replace(/\./g, '\\.')}" in \\S+ \\(\\S+ including waiting\\)\\. Image size: \\d+ bytes\\.$`));
  events.length = 0;
  assert.equal((await reason(p.ensure(pod('with-secret'), { ...c, name: 'init', init: true }))).reason, 'ready');
  assert.deepEqual(events, [{ type: 'Normal', reason: 'Pulled', message: `Container image "${image}" already present on machine`, fieldPath: 'spec.initContainers{init}' }]);
});

test('InvalidImageName and ErrImageNeverPull, each followed by its Error: event', async () => {
  const { p, events } = await pulls('c');
  assert.deepEqual(await reason(p.ensure(pod('x'), { name: 'app', image: 'Bad:Image' })), {
    reason: 'InvalidImageName',
    message: 'Failed to apply default image tag "Bad:Image": couldn\'t parse image name "Bad:Image": invalid reference format: repository name (library/Bad) must be lowercase',
  });
  assert.deepEqual(events.splice(0).map((e) => e.reason + ' ' + (e.reason === 'Failed' ? e.message : '')), ['InspectFailed ', 'Failed Error: InvalidImageName']);
  assert.deepEqual(await reason(p.ensure(pod('x'), { name: 'app', image: 'busybox:never', imagePullPolicy: 'Never' })), {
    reason: 'ErrImageNeverPull',
    message: 'Container image "busybox:never" is not present with pull policy of Never',
  });
  assert.deepEqual(events.splice(0).map((e) => `${e.type} ${e.reason}: ${e.message}`), [
    'Warning ErrImageNeverPull: Container image "busybox:never" is not present with pull policy of Never',
    'Warning Failed: Error: ErrImageNeverPull',
  ]);
});

test('an image without a policy and the :latest tag is pulled again even when present (Always)', async () => {
  const { p, events } = await pulls('d');
  await pushImage(registry.url, 'app', 'latest', await buildImage([[{ type: 'file', path: 'b', content: 'b' }]]), { username: 'u', password: 'p' });
  const c = { name: 'app', image: `${registry.host}/app` };
  assert.equal((await reason(p.ensure(pod('y'), c))).reason, 'ready');
  events.length = 0;
  assert.equal((await reason(p.ensure(pod('y'), c))).reason, 'ready');
  assert.deepEqual(events.map((e) => e.reason), ['Pulling', 'Pulled']);
});
