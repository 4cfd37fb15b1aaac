// `k8ts image` as a user runs it: the real bin/k8ts against a real docker-registry, with a
// terminal (through util-linux `script`) and without; and a pull killed with SIGKILL halfway.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { buildBenchImage, buildBusyboxImage, buildImage, dockerArchiveTar, pushImage, type BuiltImage } from '../../test/support/test-images.js';
import { LocalImageService } from '../agent/images/local-image-service.js';
import { humanSize } from './image-table.js';

const run = promisify(execFile);
const bin = resolve('bin/k8ts');
let registry: TestRegistry;
let work: string;
let busybox: BuiltImage;
let big: BuiltImage;

async function k8ts(dataDir: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(bin, ['image', ...args, '--data-dir', dataDir, '--private-registry', join(dataDir, 'none.yaml')]);
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'k8ts-image-cli-test-'));
  registry = await startRegistry();
  busybox = await buildBusyboxImage();
  big = await buildBenchImage(3, 4 * 1024 * 1024);
  await pushImage(registry.url, 'k8ts/busybox', '1.0', busybox);
  await pushImage(registry.url, 'k8ts/big', '1', big);
});

after(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('pull without a terminal prints plain lines; ls prints the crictl table', async () => {
  const dir = join(work, 'plain');
  const ref = `${registry.host}/k8ts/busybox:1.0`;
  const pull = await k8ts(dir, 'pull', ref);
  assert.equal(pull.code, 0, pull.stderr);
  const lines = pull.stdout.trim().split('\n');
  assert.equal(lines[0], `Pulling ${ref}`);
  assert.equal(lines.at(-1), `Image is up to date for ${busybox.configDigest}`);
  for (const l of busybox.layers) {
    assert.ok(lines.includes(`${l.digest.slice(7, 19)}: done (${humanSize(l.blob.length)})`), `a done line for ${l.digest}`);
  }
  assert.ok(!pull.stdout.includes('\x1b['), 'no terminal escapes in plain output');
  const ls = await k8ts(dir, 'ls');
  const size = (await (await LocalImageService.open({ agentDataDir: join(dir, 'agent') })).getImage(ref))!.size;
  assert.equal(
    ls.stdout,
    `IMAGE${' '.repeat(Math.max(20, `${registry.host}/k8ts/busybox`.length + 3) - 5)}TAG                 IMAGE ID            SIZE\n` +
      `${registry.host}/k8ts/busybox`.padEnd(Math.max(20, `${registry.host}/k8ts/busybox`.length + 3)) +
      `1.0                 ${busybox.configDigest.slice(7, 20)}       ${humanSize(size)}\n`,
  );
  assert.equal((await k8ts(dir, 'ls', '-q')).stdout, `${busybox.configDigest}\n`);
});

test('pull on a terminal draws per-layer progress', async () => {
  const dir = join(work, 'tty');
  const command = [bin, 'image', 'pull', `${registry.host}/k8ts/big:1`, '--data-dir', dir, '--private-registry', join(dir, 'none.yaml')].map((a) => `'${a}'`).join(' ');
  const { stdout } = await run('script', ['-qefc', command, '/dev/null'], { env: { ...process.env, TERM: 'xterm' } });
  assert.match(stdout, /\x1b\[2K[0-9a-f]{12}: (Downloading|Pull complete)/);
  for (const l of big.layers) assert.ok(stdout.includes(`${l.digest.slice(7, 19)}: Pull complete`), `layer ${l.digest} completes`);
  assert.match(stdout, new RegExp(`Image is up to date for ${big.configDigest}`));
});

test('import, rm and prune', async () => {
  const dir = join(work, 'manage');
  const small = await buildImage([[{ type: 'file', path: 's', content: 's' }]]);
  const archive = join(work, 'images.tar');
  writeFileSync(archive, await dockerArchiveTar([{ image: small, repoTags: ['small:1', 'small:2'] }]));
  const imp = await k8ts(dir, 'import', archive);
  assert.equal(imp.code, 0, imp.stderr);
  assert.equal(imp.stdout, `unpacking docker.io/library/small:1 (${small.configDigest})...done\nunpacking docker.io/library/small:2 (${small.configDigest})...done\n`);
  assert.equal((await k8ts(dir, 'pull', `${registry.host}/k8ts/busybox:1.0`)).code, 0);
  assert.deepEqual((await k8ts(dir, 'ls')).stdout.split('\n').slice(1, -1).map((l) => l.split(/\s+/).slice(0, 2).join(' ')), [
    `${registry.host}/k8ts/busybox 1.0`,
    'docker.io/library/small 1',
    'docker.io/library/small 2',
  ]);
  assert.equal((await k8ts(dir, 'rm', 'small:1')).stdout, 'Deleted: docker.io/library/small:1\n');
  const missing = await k8ts(dir, 'rm', 'small:1');
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.trim(), 'no such image: small:1');
  // A container (through the agent's lease) holds busybox: prune keeps it and removes small:2.
  const images = await LocalImageService.open({ agentDataDir: join(dir, 'agent') });
  await images.holdImage('k8ts-test-container', (await images.getImage(`${registry.host}/k8ts/busybox:1.0`))!);
  assert.equal((await k8ts(dir, 'prune')).stdout, 'Deleted: docker.io/library/small:2\n');
  assert.equal((await k8ts(dir, 'prune')).stdout, 'Nothing to prune\n');
  assert.equal((await k8ts(dir, 'rm', busybox.configDigest.slice(7, 20))).stdout, `Deleted: ${registry.host}/k8ts/busybox:1.0\n`);
  await images.releaseImage('k8ts-test-container');
  await k8ts(dir, 'prune');
  assert.deepEqual(readdirSync(join(dir, 'agent/images/blobs/sha256')), []);
  assert.deepEqual(readdirSync(join(dir, 'agent/images/layers/sha256')), []);
});

test('a pull killed with SIGKILL mid-download leaves no partial blob or layer behind', async () => {
  const dir = join(work, 'killed');
  // A loopback proxy in front of the registry that passes half of each layer blob and then
  // stalls, so the kill always lands mid-download.
  const proxy = http.createServer((req, res) => {
    const upstream = http.request(`${registry.url}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      const isLayer = big.layers.some((l) => req.url?.endsWith(`/blobs/${l.digest}`));
      let sent = 0;
      const limit = Number(up.headers['content-length'] ?? 0) / 2;
      up.on('data', (c: Buffer) => {
        if (isLayer && sent + c.length > limit) {
          up.pause();
          return;
        }
        sent += c.length;
        res.write(c);
      });
      up.on('end', () => res.end());
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const port = (proxy.address() as { port: number }).port;
  try {
    const child = spawn(bin, ['image', 'pull', `127.0.0.1:${port}/k8ts/big:1`, '--data-dir', dir, '--private-registry', join(dir, 'none.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolveStarted, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if ((out.match(/downloading/g) ?? []).length >= big.layers.length) resolveStarted();
      });
      child.once('exit', (code) => reject(new Error(`pull exited early (${code}): ${out}`)));
    });
    // Give the stalled downloads a moment to reach the disk, then kill.
    await waitFor(() => readdirSync(join(dir, 'agent/images/ingest')).length > 0);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.ok(readdirSync(join(dir, 'agent/images/ingest')).length > 0, 'the killed pull left partial downloads in ingest/');
  } finally {
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
  }
  // The next command cleans up; nothing half-written is visible under a digest name.
  assert.equal((await k8ts(dir, 'ls')).stdout.split('\n').length, 2, 'no image was recorded');
  assert.deepEqual(readdirSync(join(dir, 'agent/images/ingest')), []);
  assert.deepEqual(readdirSync(join(dir, 'agent/images/layers/tmp')), []);
  for (const hex of readdirSync(join(dir, 'agent/images/blobs/sha256'))) {
    const data = readFileSync(join(dir, 'agent/images/blobs/sha256', hex));
    assert.equal(createHash('sha256').update(data).digest('hex'), hex, `blob ${hex} is complete`);
  }
  const again = await k8ts(dir, 'pull', `${registry.host}/k8ts/big:1`);
  assert.equal(again.code, 0, again.stderr);
});

async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('pull --creds against a registry with basic auth', async () => {
  const locked = await startRegistry({ htpasswd: [{ username: 'ci', password: 'p:w' }] });
  try {
    const small = await buildImage([[{ type: 'file', path: 'x', content: 'x' }]]);
    await pushImage(locked.url, 'private/x', '1', small, { username: 'ci', password: 'p:w' });
    const dir = join(work, 'creds');
    const denied = await k8ts(dir, 'pull', `${locked.host}/private/x:1`);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /pull access denied, repository does not exist or may require authorization: server message: unauthorized: authentication required/);
    const ok = await k8ts(dir, 'pull', `${locked.host}/private/x:1`, '--creds', 'ci:p:w');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`Image is up to date for ${small.configDigest}`));
    assert.match((await k8ts(dir, 'pull', 'x', '--creds', 'nocolon')).stderr, /--creds must be USERNAME:PASSWORD/);
  } finally {
    await locked.stop();
  }
});
