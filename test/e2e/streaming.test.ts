// kubectl exec, attach, port-forward and cp with the REAL kubectl (SPDY-only 1.27, 1.29,
// WebSocket 1.30 and 1.33) against k8ts server, proxied to a node whose agent endpoints run
// real runc containers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl, kubectlBinary, type KubectlVersion } from '../support/kubectl.js';
import { startStreamingNode, type StreamingNode } from '../support/streaming-node.js';

let server: TestServer;
let node: StreamingNode;
let work: string;
const versions: KubectlVersion[] = ['1.27', '1.29', '1.30', '1.33'];
const kubectl = (v: KubectlVersion): Kubectl => new Kubectl(v, server.kubeconfig);

before(async () => {
  server = await startK8ts();
  node = await startStreamingNode(server);
  work = mkdtempSync(join(tmpdir(), 'k8ts-streaming-'));
  await node.runPod({
    name: 'db',
    containers: [{ name: 'db', args: ['sh', '-c', 'mkdir -p /www && echo hello from db > /www/index.html && exec httpd -f -p 8080 -h /www'] }],
  });
});

after(async () => {
  await node?.stop();
  await server?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

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
      const bin = kubectlBinary(v);
      const cmd = [bin, '--kubeconfig', server.kubeconfig, 'exec', '-it', 'db', '--', 'sh'].map((w) => `'${w}'`).join(' ');
      // script gives kubectl a terminal of its own, as a person's shell would.
      const child = spawn('script', ['-q', '-e', '-c', `stty cols 100 rows 30; ${cmd}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      const waitFor = async (re: RegExp, from = 0): Promise<number> => {
        for (let i = 0; i < 400; i++) {
          const m = re.exec(out.slice(from));
          if (m) return from + m.index + m[0].length;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error(`timed out waiting for ${re} in ${JSON.stringify(out)}`);
      };
      let at = await waitFor(/# /);
      child.stdin.write('hostname; tty; stty size\r');
      at = await waitFor(/\d+ \d+\r\n/, at);
      child.stdin.write('ps -o pid,comm\r');
      at = await waitFor(/# /, await waitFor(/ps\r\n/, at));
      child.stdin.write('exit 7\r');
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      assert.match(out, /hostname; tty; stty size\r\ndb\r\n\/dev\/pts\/\d+\r\n30 100\r\n/);
      const ps = out.slice(out.indexOf('ps -o pid,comm'));
      assert.match(ps, /\r\n\s+1 httpd\r\n/);
      assert.equal(code, 7);
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
      const child = spawn(kubectlBinary(v), ['--kubeconfig', server.kubeconfig, 'port-forward', 'pod/db', `${port}:8080`], { stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
        for (let i = 0; !out.includes('Forwarding from'); i++) {
          if (i > 400 || child.exitCode !== null) throw new Error(`port-forward did not start: ${out}`);
          await new Promise((r) => setTimeout(r, 25));
        }
        assert.equal(await httpGet(port), 'hello from db\n');
        assert.equal(await httpGet(port), 'hello from db\n');
      } finally {
        child.kill();
      }
    });
  }
});
