import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { TerminalSizeQueue } from '../../streaming/terminal-size.js';
import { detectCgroupLayout } from '../runtime/cgroups.js';
import { OciCli } from '../runtime/oci-cli.js';
import { RuncRuntime } from '../runtime/runc-runtime.js';
import { runtimeTestEnv, type RuntimeTestEnv } from '../runtime/test-support.js';
import { startTestRuntime, testContainerConfig, testSandboxConfig } from '../runtime/runtime-test-fixtures.js';
import { ExecStartError, type ContainerTarget, type PodNetworkTarget, type StdioStreams } from './contracts.js';
import { NetnsDialer } from './netns-dialer.js';
import { OciExecRunner } from './oci-exec-runner.js';
import { ptyCommand, shellQuote } from './pty-command.js';

const layout = detectCgroupLayout();
let env: RuntimeTestEnv;
let rt: RuncRuntime;
let runner: OciExecRunner;
let target: ContainerTarget;
let network: PodNetworkTarget;
const dialer = new NetnsDialer(1000);

before(async () => {
  env = runtimeTestEnv();
  rt = await startTestRuntime(env);
  const sandbox = testSandboxConfig(env, 'exec-test', 'nameserver 127.0.0.1\n');
  const podUid = sandbox.podUid;
  const sb = await rt.runSandbox(sandbox);
  const c = await rt.create(sb.id, testContainerConfig(env, 'main', ['sh', '-c', 'mkdir -p /www && echo served > /www/index.html && exec httpd -f -p 8080 -h /www'], { logPath: join(env.logDir, 'main.log'), labels: {} }));
  await rt.start(c.id);
  target = { containerId: c.id, podUid, sandboxId: sb.id };
  network = { podUid, sandboxId: sb.id, netnsPath: sb.netnsPath };
  runner = new OciExecRunner(new OciCli('runc', env.root, layout.hybrid));
});

after(async () => {
  dialer.close();
  for (const c of (await rt?.list()) ?? []) if (c.state.phase === 'running') await rt.stop(c.id, 0);
  for (const s of (await rt?.listSandboxes()) ?? []) await rt.removeSandbox(s.id);
  await rt?.close();
  await env?.cleanup();
});

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk: Buffer, _e, cb) {
        text += chunk.toString();
        cb();
      },
    }),
    text: () => text,
  };
}

function stdio(over: Partial<StdioStreams> = {}): StdioStreams {
  return { tty: false, resizes: new TerminalSizeQueue(), signal: new AbortController().signal, ...over };
}

describe('pty command line', () => {
  it('quotes words for sh and sets the size before exec', () => {
    assert.equal(shellQuote('plain-word_1.2/x'), 'plain-word_1.2/x');
    assert.equal(shellQuote("it's a $HOME"), `'it'\\''s a $HOME'`);
    assert.deepEqual(ptyCommand(['runc', 'exec', '-t', 'id', 'sh', '-c', 'echo "hi"'], { width: 120, height: 40 }), [
      'script',
      ['-q', '-e', '-c', `stty raw -echo cols 120 rows 40 2>/dev/null; exec runc exec -t id sh -c 'echo "hi"'`, '/dev/null'],
    ]);
  });
});

describe('OciExecRunner', () => {
  it('keeps stdout and stderr apart and returns the exit code', async () => {
    const out = sink();
    const err = sink();
    const code = await runner.exec(target, ['sh', '-c', 'echo out; echo err >&2; exit 3'], stdio({ stdout: out.stream, stderr: err.stream }));
    assert.equal(code, 3);
    assert.equal(out.text(), 'out\n');
    assert.equal(err.text(), 'err\n');
  });

  it('fails to start with the runtime message and nothing on stderr', async () => {
    const err = sink();
    await assert.rejects(runner.exec(target, ['no-such-tool'], stdio({ stderr: err.stream })), (e: Error) => e instanceof ExecStartError && /"no-such-tool": executable file not found/.test(e.message));
    assert.equal(err.text(), '');
  });

  it('gives a TTY the client size and passes later resizes on', async () => {
    const out = sink();
    const stdin = new PassThrough();
    const resizes = new TerminalSizeQueue();
    resizes.push({ width: 100, height: 30 });
    // runc sizes the container's terminal just after the process starts (and again on each
    // SIGWINCH), so the shell reports the size whenever it is sent a line, and the test asks
    // until the size it expects shows up.
    const done = runner.exec(target, ['sh', '-c', 'while read x; do stty size; done'], stdio({ tty: true, stdin, stdout: out.stream, resizes }));
    const askUntil = async (size: string): Promise<void> => {
      for (let i = 0; !out.text().includes(size); i++) {
        if (i > 200) throw new Error(`no ${size}: ${JSON.stringify(out.text())}`);
        stdin.write('\r');
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await askUntil('30 100\r\n');
    resizes.push({ width: 132, height: 50 });
    await askUntil('50 132\r\n');
    stdin.write('\x04');
    assert.equal(await done, 0);
    assert.match(out.text(), /30 100\r\n[\s\S]*50 132\r\n/);
  });

  it('kills the process when the client goes away', async () => {
    const abort = new AbortController();
    const out = sink();
    const done = runner.exec(target, ['sh', '-c', 'echo started; sleep 60'], stdio({ stdout: out.stream, signal: abort.signal }));
    for (let i = 0; !out.text().includes('started'); i++) await new Promise((r) => setTimeout(r, 25));
    abort.abort();
    assert.equal(await done, 137);
  });
});

describe('NetnsDialer', () => {
  it("connects to a port on the pod's loopback and reports refused ports", async () => {
    const socket = await dialer.dial(network, 8080);
    socket.write('GET / HTTP/1.0\r\n\r\n');
    let text = '';
    for await (const chunk of socket) text += String(chunk);
    assert.match(text, /^HTTP\/1\.[01] 200 OK[\s\S]*\r\n\r\nserved\n$/);
    await assert.rejects(dialer.dial(network, 9), /failed to connect to localhost inside namespace ".*": IPv4: connect ECONNREFUSED 127\.0\.0\.1:9 IPv6: connect ECONNREFUSED ::1:9/);
  });

  it('dials the host for a hostNetwork pod', async () => {
    const srv = http.createServer((_q, res) => res.end('host'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as import('node:net').AddressInfo).port;
    const socket = await dialer.dial({ ...network, netnsPath: '' }, port);
    socket.end('GET / HTTP/1.0\r\n\r\n');
    let text = '';
    for await (const chunk of socket) text += String(chunk);
    assert.match(text, /host$/);
    srv.close();
  });
});
