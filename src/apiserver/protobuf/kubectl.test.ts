// Real-client vectors: kubectl 1.33 sends protobuf request bodies, kubectl 1.31 sends JSON
// for the same commands. Both must decode to the same object, and 1.33 must accept our
// protobuf replies and watch frames.
import assert from 'node:assert/strict';
import type http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { PROTOBUF_MEDIA_TYPE, PROTOBUF_WATCH_MEDIA_TYPE, decodeObject, encodeObject, encodeWatchEvent } from './codec.js';
import { type Captured, CaptureServer, KubectlRunner, type Reply, findKubectl } from './kubectl-capture.js';

type Obj = Record<string, unknown>;

const kubectl133 = findKubectl('1.33');
const kubectl132 = findKubectl('1.32');
const kubectl131 = findKubectl('1.31');
const skip = !kubectl133 || !kubectl131 ? 'kubectl.1.33 and kubectl.1.31 are not installed' : false;

const isProtobuf = (req: Captured) => (req.headers['content-type'] ?? '').startsWith(PROTOBUF_MEDIA_TYPE);
const wantsProtobuf = (req: Captured) => (req.headers.accept ?? '').startsWith(PROTOBUF_MEDIA_TYPE);

function decodeBody(req: Captured): Obj {
  return isProtobuf(req) ? decodeObject(req.body) : (JSON.parse(req.body.toString('utf8')) as Obj);
}

/** The object a real server would answer a create/review with. */
function answer(obj: Obj): Obj {
  const meta = { ...(obj.metadata as Obj), uid: 'a1b2', resourceVersion: '17', creationTimestamp: '2024-05-06T07:08:09Z' };
  switch (obj.kind) {
    case 'SelfSubjectAccessReview':
      return { ...obj, metadata: meta, status: { allowed: true, reason: 'test' } };
    case 'SelfSubjectRulesReview':
      return { ...obj, metadata: meta, status: { resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], nonResourceRules: [], incomplete: false } };
    case 'SelfSubjectReview':
      return { ...obj, metadata: meta, status: { userInfo: { username: 'alice', groups: ['devs'], extra: { team: ['blue'] } } } };
    case 'TokenRequest':
      return { ...obj, metadata: meta, status: { token: 'tok-123', expirationTimestamp: '2030-01-01T00:00:00Z' } };
    default:
      return { ...obj, metadata: meta };
  }
}

function reply(req: Captured, obj: Obj, status: number): Reply {
  if (wantsProtobuf(req)) return { status, contentType: PROTOBUF_MEDIA_TYPE, body: encodeObject(obj) };
  return { status, contentType: 'application/json', body: JSON.stringify(obj) };
}

const pod: Obj = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { name: 'x', namespace: 'default', uid: 'p1', resourceVersion: '20', creationTimestamp: '2024-05-06T07:08:09Z' },
  spec: { containers: [{ name: 'x', image: 'busybox', resources: {} }] },
  status: { phase: 'Pending' },
};

const running: Obj = {
  ...pod,
  metadata: { ...(pod.metadata as Obj), resourceVersion: '21' },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
};
const succeeded: Obj = {
  ...pod,
  metadata: { ...(pod.metadata as Obj), resourceVersion: '22' },
  status: {
    phase: 'Succeeded',
    containerStatuses: [{ name: 'x', ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2024-05-06T07:08:10Z', finishedAt: '2024-05-06T07:08:11Z' } } }],
  },
};
let watches = 0;

function handle(req: Captured, res: http.ServerResponse): Reply | undefined | 'handled' {
  const path = req.url.split('?')[0]!;
  if (path.endsWith('/attach')) {
    return { status: 400, contentType: 'application/json', body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'no attach here', reason: 'BadRequest', code: 400 }) };
  }
  if (path.endsWith('/log')) return { status: 200, contentType: 'text/plain', body: 'hello from x\n' };
  if (req.method === 'POST') return reply(req, answer(decodeBody(req)), 201);
  if (path === '/api/v1/pods' && req.url.includes('watch=true')) {
    // Keep the stream open, as a real server would; the test stops the server at the end.
    res.writeHead(200, { 'Content-Type': wantsProtobuf(req) ? PROTOBUF_WATCH_MEDIA_TYPE : 'application/json' });
    // kubectl run --attach first waits for Running, then (after the logs) for completion.
    const next = watches++ === 0 ? running : succeeded;
    res.write(wantsProtobuf(req) ? encodeWatchEvent('MODIFIED', next) : `${JSON.stringify({ type: 'MODIFIED', object: next })}\n`);
    return 'handled';
  }
  if (path === '/api/v1/pods') {
    return reply(req, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '20' }, items: [pod] }, 200);
  }
  return undefined;
}

const COMMANDS: { args: string[]; stdout: RegExp }[] = [
  { args: ['create', 'namespace', 'demo'], stdout: /^namespace\/demo created/ },
  { args: ['create', 'configmap', 'c', '--from-literal=a=b'], stdout: /^configmap\/c created/ },
  { args: ['create', 'secret', 'generic', 's', '--from-literal=k=v'], stdout: /^secret\/s created/ },
  { args: ['create', 'deployment', 'web', '--image=nginx', '--replicas=2', '--port=80'], stdout: /^deployment.apps\/web created/ },
  { args: ['create', 'job', 'j', '--image=busybox', '--', 'echo', 'hi'], stdout: /^job.batch\/j created/ },
  { args: ['auth', 'can-i', 'create', 'pods'], stdout: /^yes/ },
  { args: ['auth', 'can-i', '--list'], stdout: /pods\s+\[\]\s+\[\]\s+\[get\]/ },
  { args: ['auth', 'whoami'], stdout: /Username\s+alice/ },
  { args: ['create', 'token', 'default'], stdout: /^tok-123/ },
  // Variants that exercise empty values, pointers and repeated fields.
  { args: ['create', 'secret', 'generic', 's2', '--from-literal=a=1', '--from-literal=b=', '--type=example.com/t', '-n', 'team'], stdout: /^secret\/s2 created/ },
  { args: ['create', 'configmap', 'c2', '--from-literal=x=', '--from-literal=y=✓ ünïcode'], stdout: /^configmap\/c2 created/ },
  { args: ['create', 'deployment', 'multi', '--image=nginx', '--image=redis:7'], stdout: /^deployment.apps\/multi created/ },
  { args: ['create', 'namespace', 'empty', '--dry-run=server'], stdout: /^namespace\/empty created \(server dry run\)/ },
  { args: ['create', 'token', 'builder', '--audience=api', '--audience=vault', '--duration=10m'], stdout: /^tok-123/ },
  { args: ['auth', 'can-i', 'get', '/healthz'], stdout: /^yes/ },
  { args: ['auth', 'can-i', 'patch', 'deployments.apps/web', '--subresource=scale', '-n', 'kube-system'], stdout: /^yes/ },
];

describe('kubectl protobuf request bodies', { skip }, () => {
  const server = new CaptureServer(handle);
  let k133: KubectlRunner;
  let k131: KubectlRunner;
  /** Every protobuf-speaking kubectl that is installed. */
  let protobufClients: [string, KubectlRunner][] = [];

  before(async () => {
    await server.start();
    k133 = new KubectlRunner(kubectl133!, server.url);
    k131 = new KubectlRunner(kubectl131!, server.url);
    protobufClients = [['1.33', k133]];
    if (kubectl132) protobufClients.push(['1.32', new KubectlRunner(kubectl132, server.url)]);
  });
  after(async () => {
    await server.stop();
    k131?.cleanup();
    for (const [, runner] of protobufClients) runner.cleanup();
  });

  /** Runs one command and returns the single write request it made. */
  async function write(runner: KubectlRunner, args: string[], stdout: RegExp): Promise<Captured> {
    const before = server.writes().length;
    const r = await runner.run(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    assert.match(r.stdout, stdout);
    const writes = server.writes().slice(before);
    assert.equal(writes.length, 1, `expected one write from kubectl ${args.join(' ')}`);
    return writes[0]!;
  }

  for (const { args, stdout } of COMMANDS) {
    it(`kubectl ${args.join(' ')}`, async () => {
      const json = await write(k131, args, stdout);
      assert.ok(!isProtobuf(json), 'kubectl 1.31 should send JSON');
      for (const [version, runner] of protobufClients) {
        const proto = await write(runner, args, stdout);
        assert.ok(isProtobuf(proto), `kubectl ${version} should send protobuf`);
        assert.equal(proto.url, json.url);
        const decoded = decodeObject(proto.body);
        assert.deepEqual(decoded, JSON.parse(json.body.toString('utf8')), `kubectl ${version}`);
        // Go-faithful encoding: re-encoding the decoded object reproduces kubectl's bytes.
        assert.deepEqual(Buffer.from(encodeObject(decoded)), proto.body, `kubectl ${version}`);
      }
    });
  }

  it('kubectl 1.33 follows a protobuf watch stream (run --attach waits for Running)', async () => {
    const from = server.requests.length;
    const r = await k133.run(['run', 'x', '--image=busybox', '--restart=Never', '--attach', '--pod-running-timeout=50s']);
    const seen = server.requests.slice(from);
    const watch = seen.find((q) => q.url.startsWith('/api/v1/pods?') && q.url.includes('watch=true'));
    assert.ok(watch && wantsProtobuf(watch), 'expected a protobuf watch request');
    // Only a decoded MODIFIED(Running) event lets kubectl move on to attach, then to logs.
    assert.ok(seen.some((q) => q.url.includes('/pods/x/attach')), `kubectl never attached: ${r.stderr}`);
    assert.match(r.stdout, /hello from x/);
    assert.equal(r.code, 0, r.stderr);
  });
});
