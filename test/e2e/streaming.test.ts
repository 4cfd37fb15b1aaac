// kubectl exec, attach, port-forward and cp with the REAL kubectl (SPDY-only 1.27, 1.29,
// WebSocket 1.30 and 1.33) and @kubernetes/client-node against a real `k8ts server` whose
// embedded agent runs the pods as runc containers from a busybox image in a real registry:
// API server → agent → container, as in a cluster. `k8ts reset` removes what the agent made.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { AgentNode, startAgentNode } from '../support/agent-node.js';
import type { TestServer } from '../support/k8ts-server.js';
import { Kubectl, kubectlBinary, type KubectlVersion } from '../support/kubectl.js';
import { onTerminal } from '../support/terminal.js';
import { runCleanup } from '../support/wait-for.js';

const tag = randomBytes(3).toString('hex');

let n: AgentNode | undefined;
let server: TestServer | undefined;
let image: string;
let work: string;
const versions: KubectlVersion[] = ['1.27', '1.29', '1.30', '1.33'];
const kubectl = (v: KubectlVersion): Kubectl => new Kubectl(v, server!.kubeconfig);

async function runPod(name: string, command: string, labels: Record<string, string> = {}): Promise<void> {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name, image, command: ['sh', '-c', command] }] } };
  await kubectl('1.33').ok(['apply', '-f', '-'], { input: JSON.stringify(pod) });
}

async function waitRunning(names: string[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    // One name gets the Pod itself, several a List.
    const path = names.length === 1 ? '{.status.phase}' : '{range .items[*]}{.status.phase}{" "}{end}';
    const out = await kubectl('1.33').ok(['get', 'pods', ...names, '-o', `jsonpath=${path}`]);
    if (out.trim().split(' ').filter((p) => p === 'Running').length === names.length) return;
    if (Date.now() > deadline) throw new Error(`pods not Running: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'k8ts-streaming-'));
  n = await startAgentNode({ name: `stream-${tag}` });
  ({ server, image } = n);
  await runPod('db', 'mkdir -p /www && echo hello from db > /www/index.html && exec httpd -f -p 8080 -h /www', { app: 'db' });
  await runPod('ticker', 'i=0; while true; do echo tick $i; echo tock $i >&2; i=$((i+1)); sleep 0.2; done');
  await waitRunning(['db', 'ticker']);
});

after(() => runCleanup([() => n?.stop(), () => work && rmSync(work, { recursive: true, force: true })]));

/** Runs a long-lived kubectl until `done(output)` holds, then stops it; returns what it printed. */
async function runUntil(v: KubectlVersion, args: string[], done: (out: string) => boolean, act?: () => Promise<void>): Promise<string> {
  const child = spawn(kubectlBinary(v), ['--kubeconfig', server!.kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  try {
    for (let i = 0; !done(out); i++) {
      if (i > 600 || child.exitCode !== null) throw new Error(`kubectl ${args.join(' ')} gave: ${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    await act?.();
    return out;
  } finally {
    child.kill();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('kubectl exec', () => {
  for (const v of versions) {
    it(`${v}: non-interactive, separate stdout/stderr, exit code`, async () => {
      const r = await kubectl(v).run(['exec', 'db', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      assert.equal(r.stdout, 'out\n');
      assert.match(r.stderr, /^err\n/);
      assert.match(r.stderr, /command terminated with exit code 3/);
      assert.equal(r.code, 3);
    });

    it(`${v}: -i feeds stdin and sees its end`, async () => {
      const out = await kubectl(v).ok(['exec', '-i', 'db', '--', 'sh', '-c', 'cat; echo done'], { input: 'line one\nline two\n' });
      assert.equal(out, 'line one\nline two\ndone\n');
    });
  }

  it('runs in the pod: hostname, PID namespace, environment', async () => {
    const out = await kubectl('1.33').ok(['exec', 'db', '--', 'sh', '-c', 'hostname; ps -o pid,comm | sed -n 2p']);
    const [hostname, pid1] = out.trim().split('\n');
    assert.equal(hostname, 'db');
    assert.match(pid1!, /^\s*1\s+httpd$/);
  });

  it('reports a command that cannot start as an internal error', async () => {
    for (const v of ['1.27', '1.33'] as const) {
      const r = await kubectl(v).run(['exec', 'db', '--', 'no-such-command']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Internal error occurred: error executing command in container: .*"no-such-command": executable file not found in \$PATH/);
      assert.doesNotMatch(r.stderr, /runc/);
    }
  });

  it('rejects a container the pod does not have', async () => {
    const r = await kubectl('1.33').run(['exec', 'db', '-c', 'nope', '--', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /container nope is not valid for pod db/);
  });

  for (const v of ['1.27', '1.33'] as const) {
    it(`${v}: -it gives an interactive shell on a terminal`, async () => {
      const t = onTerminal([kubectlBinary(v), '--kubeconfig', server!.kubeconfig, 'exec', '-it', 'db', '--', 'sh']);
      try {
        let at = await t.waitFor(/# /);
        t.type('hostname; tty; stty size\r');
        at = await t.waitFor(/\d+ \d+\r*\n/, at);
        t.type('ps -o pid,comm\r');
        at = await t.waitFor(/# /, await t.waitFor(/ps\r*\n/, at));
        t.type('exit 7\r');
        const code = await t.exited();
        // Line ends as the container's terminal writes them (\r\n), plus whatever kubectl's own
        // terminal adds when it was not switched to raw mode.
        const lines = t.output().replace(/\r+\n/g, '\n');
        assert.match(lines, /hostname; tty; stty size\ndb\n\/dev\/pts\/\d+\n30 100\n/);
        const ps = lines.slice(lines.indexOf('ps -o pid,comm'));
        assert.match(ps, /\n\s+1 httpd\n/);
        // Only the pod's own processes: its main process as PID 1, this shell and ps.
        const table = ps.split('\n').slice(2).filter((l) => /^\s*\d+ /.test(l));
        assert.deepEqual([...new Set(table.map((l) => l.trim().split(/\s+/)[1]))].sort(), ['httpd', 'ps', 'sh']);
        assert.equal(code, 7);
      } finally {
        // A failed step must not leave kubectl (and its exec session) behind.
        t.kill();
      }
    });
  }
});

describe('kubectl cp', () => {
  for (const v of ['1.27', '1.33'] as const) {
    it(`${v}: copies a file into the pod and back`, async () => {
      const src = join(work, `in-${v}.txt`);
      const back = join(work, `out-${v}.txt`);
      const content = `k8ts cp ${v}\n${'x'.repeat(100_000)}\n`;
      writeFileSync(src, content);
      await kubectl(v).ok(['cp', src, `db:/tmp/cp-${v}.txt`]);
      assert.equal(await kubectl(v).ok(['exec', 'db', '--', 'wc', '-c', `/tmp/cp-${v}.txt`]), `${content.length} /tmp/cp-${v}.txt\n`);
      await kubectl(v).ok(['cp', `db:/tmp/cp-${v}.txt`, back]);
      assert.equal(readFileSync(back, 'utf8'), content);
    });
  }
});

describe('kubectl port-forward', () => {
  for (const v of ['1.27', '1.30', '1.33'] as const) {
    it(`${v}: reaches an HTTP server in the pod`, async () => {
      const port = await freePort();
      const bodies: string[] = [];
      const out = await runUntil(v, ['port-forward', 'pod/db', `${port}:8080`, '-v=4'], (o) => o.includes('Forwarding from'), async () => {
        bodies.push(await httpGet(port), await httpGet(port));
      });
      assert.deepEqual(bodies, ['hello from db\n', 'hello from db\n']);
      // 1.31+ tunnels SPDY through a WebSocket first; it must not have needed the SPDY fallback.
      if (v === '1.33') assert.match(out, /negotiated protocol: portforward\.k8s\.io/);
      assert.doesNotMatch(out, /fallback/i);
    });
  }

  it('resolves svc/ and deploy/ to a pod and the target port', async () => {
    await server!.request('POST', '/api/v1/namespaces/default/services', {
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { selector: { app: 'db' }, ports: [{ port: 80, targetPort: 8080 }] } }),
      headers: { 'Content-Type': 'application/json' },
    });
    await server!.request('POST', '/apis/apps/v1/namespaces/default/deployments', {
      body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'db' }, spec: { replicas: 0, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'busybox' }] } } } }),
      headers: { 'Content-Type': 'application/json' },
    });
    for (const [target, remote] of [['svc/db', '80'], ['deploy/db', '8080']] as const) {
      const port = await freePort();
      let body = '';
      await runUntil('1.33', ['port-forward', target, `${port}:${remote}`], (o) => o.includes('Forwarding from'), async () => {
        body = await httpGet(port);
      });
      assert.equal(body, 'hello from db\n', target);
    }
  });

  it('tells the user when nothing listens on the port', async () => {
    const port = await freePort();
    const out = await runUntil('1.27', ['port-forward', 'pod/db', `${port}:9`], (o) => o.includes('Forwarding from'), async () => {
      await httpGet(port).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
    });
    assert.match(out, /error forwarding port 9 to pod db, uid [0-9a-f-]+: failed to connect to localhost inside namespace "[^"]+": IPv4: connect ECONNREFUSED 127\.0\.0\.1:9/);
  });
});

describe('kubectl attach', () => {
  for (const v of ['1.27', '1.33'] as const) {
    it(`${v}: streams what the main process prints from now on`, async () => {
      const out = await runUntil(v, ['attach', 'ticker'], (o) => (o.match(/tick \d+\n/g) ?? []).length >= 2 && /tock \d+\n/.test(o));
      const ticks = (out.match(/tick (\d+)/g) ?? []).map((t) => Number(t.split(' ')[1]));
      assert.ok(ticks.length >= 2);
      assert.equal(ticks[1], ticks[0]! + 1);
    });
  }

  const prompt = /If you don't see a command prompt, try pressing enter\./;

  for (const v of ['1.27', '1.33'] as const) {
    it(`${v}: run -it --rm gives an interactive shell; exit ends it and deletes the pod`, async () => {
      const name = `run-it-${v.replace('.', '-')}`;
      const t = onTerminal([kubectlBinary(v), '--kubeconfig', server!.kubeconfig, 'run', '-it', '--rm', `--image=${image}`, '--restart=Never', name, '--', 'sh']);
      try {
        let at = await t.waitFor(prompt, 0, 90_000);
        t.type('\r');
        at = await t.waitFor(/# /, at);
        t.type('hostname; stty size\r');
        at = await t.waitFor(/\d+ \d+\r*\n/, at);
        assert.match(t.output().slice(0, at).replace(/\r+\n/g, '\n'), new RegExp(`hostname; stty size\n${name}\n30 100\n$`));
        t.type('exit\r');
        assert.equal(await t.exited(), 0);
        assert.match(t.output(), new RegExp(`pod "${name}" deleted`));
      } finally {
        t.kill();
      }
      const left = await kubectl('1.33').run(['get', 'pod', name]);
      assert.match(left.stderr, /NotFound/);
    });
  }

  it('run -it without --rm: exit restarts the container, whose new stdin takes the next attach', async () => {
    const t = onTerminal([kubectlBinary('1.33'), '--kubeconfig', server!.kubeconfig, 'run', '-it', `--image=${image}`, 'again', '--', 'sh']);
    try {
      let at = await t.waitFor(prompt, 0, 90_000);
      t.type('\r');
      at = await t.waitFor(/# /, at);
      t.type('exit\r');
      assert.equal(await t.exited(), 0);
      assert.match(t.output(), /Session ended, resume using 'kubectl attach again -c again -i -t' command when the pod is running/);
    } finally {
      t.kill();
    }
    const deadline = Date.now() + 60_000;
    while ((await kubectl('1.33').ok(['get', 'pod', 'again', '-o', 'jsonpath={.status.containerStatuses[0].restartCount} {.status.phase}'])) !== '1 Running') {
      if (Date.now() > deadline) throw new Error('pod again did not restart');
      await new Promise((r) => setTimeout(r, 100));
    }
    // stdinOnce closed the first container's stdin; the restarted one has its own, open.
    const again = onTerminal([kubectlBinary('1.33'), '--kubeconfig', server!.kubeconfig, 'attach', '-it', 'again']);
    try {
      const at = await again.waitFor(prompt);
      again.type('echo second $((4*4))\r');
      await again.waitFor(/\nsecond 16\r*\n/, at);
    } finally {
      again.kill();
    }
    await kubectl('1.33').ok(['delete', 'pod', 'again', '--grace-period=1']);
  });

  it('attach -it reaches a running tty shell again and again; its output is in the log', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'shell' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'shell', image, command: ['sh'], stdin: true, tty: true }] },
    };
    await kubectl('1.33').ok(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    await waitRunning(['shell']);
    // WebSocket (1.33) first, then SPDY (1.29): detaching does not close a stdin that is not stdinOnce.
    for (const [v, n] of [['1.33', 6], ['1.29', 7]] as const) {
      const t = onTerminal([kubectlBinary(v), '--kubeconfig', server!.kubeconfig, 'attach', '-it', 'shell']);
      try {
        let at = await t.waitFor(prompt);
        t.type('\r');
        at = await t.waitFor(/# /, at);
        t.type(`echo answer $((${n}*7))\r`);
        await t.waitFor(new RegExp(`\nanswer ${n * 7}\r*\n`), at);
      } finally {
        t.kill();
      }
    }
    const t = onTerminal([kubectlBinary('1.33'), '--kubeconfig', server!.kubeconfig, 'attach', '-it', 'shell']);
    try {
      await t.waitFor(prompt);
      t.type('exit 3\r');
      await t.exited();
    } finally {
      t.kill();
    }
    const deadline = Date.now() + 30_000;
    while ((await kubectl('1.33').ok(['get', 'pod', 'shell', '-o', 'jsonpath={.status.phase}'])) !== 'Failed') {
      if (Date.now() > deadline) throw new Error('pod shell did not fail');
      await new Promise((r) => setTimeout(r, 100));
    }
    // A terminal's output is one stream, logged as stdout.
    const logs = await kubectl('1.33').ok(['logs', 'shell']);
    assert.match(logs, /answer 42\r?\n/);
    assert.match(logs, /answer 49\r?\n/);
  });

  for (const v of ['1.27', '1.33'] as const) {
    it(`${v}: run -i --rm feeds piped stdin and closes it at its end (stdinOnce)`, async () => {
      const name = `run-i-${v.replace('.', '-')}`;
      const out = await kubectl(v).ok(['run', '-i', '--rm', `--image=${image}`, '--restart=Never', name, '--', 'sh', '-c', 'cat; echo stdin closed'], {
        input: 'one\ntwo\n',
      });
      assert.match(out, /one\ntwo\nstdin closed\n/);
      assert.match(out, new RegExp(`pod "${name}" deleted`));
    });
  }
});

describe('@kubernetes/client-node', () => {
  let kc: k8s.KubeConfig;
  before(() => {
    kc = new k8s.KubeConfig();
    kc.loadFromFile(server!.kubeconfig);
  });

  function collect(): { stream: Writable; text: () => string } {
    let text = '';
    return {
      stream: new Writable({
        write(chunk: Buffer, _enc, cb) {
          text += chunk.toString();
          cb();
        },
      }),
      text: () => text,
    };
  }

  it('execs over WebSocket and reports the exit status', async () => {
    const out = collect();
    const status = await new Promise<k8s.V1Status>((resolve, reject) => {
      new k8s.Exec(kc).exec('default', 'db', 'db', ['sh', '-c', 'echo from client-node; exit 4'], out.stream, null, null, false, resolve).catch(reject);
    });
    assert.equal(out.text(), 'from client-node\n');
    assert.equal(status.status, 'Failure');
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.deepEqual(status.details?.causes, [{ reason: 'ExitCode', message: '4' }]);
  });

  it('port-forwards over the channel protocol', async () => {
    const input = new PassThrough();
    const out = collect();
    const ws = (await new k8s.PortForward(kc).portForward('default', 'db', [8080], out.stream, null, input)) as { close(): void };
    try {
      input.write('GET / HTTP/1.0\r\n\r\n');
      for (let i = 0; !out.text().includes('hello from db'); i++) {
        if (i > 400) throw new Error(`no answer: ${JSON.stringify(out.text())}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.match(out.text(), /^HTTP\/1\.[01] 200 OK\r\n/);
    } finally {
      ws.close();
    }
  });
});

describe('API server checks', () => {
  it('answers a request without an upgrade and a pod without a node as Kubernetes does', async () => {
    const plain = await server!.request('POST', '/api/v1/namespaces/default/pods/db/exec?command=true&stdout=true');
    assert.equal(plain.status, 400);
    assert.equal(JSON.parse(plain.body).message, 'Upgrade request required');
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unscheduled' }, spec: { schedulerName: 'nobody', containers: [{ name: 'c', image }] } };
    await kubectl('1.33').ok(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    const r = await kubectl('1.27').run(['exec', 'unscheduled', '--', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /pod unscheduled does not have a host assigned/);
  });
});

describe('authorization', () => {
  it('needs create on pods/exec', async () => {
    // An RBAC user without streaming rights: a ServiceAccount that may only read pods.
    const req = (method: string, path: string, body: unknown) =>
      server!.request(method, path, { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
    await req('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'viewer' } });
    await req('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', { metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] });
    await req('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
      metadata: { name: 'viewer' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'viewer', namespace: 'default' }],
    });
    const tr = await req('POST', '/api/v1/namespaces/default/serviceaccounts/viewer/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
    const token = (JSON.parse(tr.body) as { status: { token: string } }).status.token;
    // A kubeconfig of its own: with the admin's client certificate present, the certificate would win.
    const admin = readFileSync(server!.kubeconfig, 'utf8');
    const caData = /certificate-authority-data: (\S+)/.exec(admin)![1];
    const viewerConfig = join(work, 'viewer.kubeconfig');
    writeFileSync(
      viewerConfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: k\n  cluster:\n    server: ${server!.url}\n    certificate-authority-data: ${caData}\n` +
        `users:\n- name: viewer\n  user:\n    token: ${token}\ncontexts:\n- name: k\n  context:\n    cluster: k\n    user: viewer\n    namespace: default\ncurrent-context: k\n`,
    );
    for (const v of ['1.27', '1.33'] as const) {
      const r = await new Kubectl(v, viewerConfig).run(['exec', 'db', '--', 'true']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /pods "db" is forbidden: User "system:serviceaccount:default:viewer" cannot create resource "pods\/exec" in API group "" in the namespace "default"/);
    }
  });
});
