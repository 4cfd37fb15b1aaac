import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { TerminalSizeQueue, type TerminalSize } from '../../streaming/terminal-size.js';
import type { LiveStdio } from '../runtime/container-runtime.js';
import type { StdioStreams } from './contracts.js';
import { attachLive } from './live-attach.js';

/** A container's live stdio in memory: what was written to its stdin, its resizes, whether stdin was closed. */
class FakeLive implements LiveStdio {
  input = '';
  closed = false;
  sizes: TerminalSize[] = [];
  private listener?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  constructor(
    readonly stdin: boolean,
    readonly stdinOnce: boolean,
    readonly tty: boolean,
  ) {}
  subscribe(l: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): () => void {
    this.listener = l;
    return () => (this.listener = undefined);
  }
  print(stream: 'stdout' | 'stderr', text: string): void {
    this.listener?.(stream, Buffer.from(text));
  }
  openStdin(): Writable | undefined {
    if (!this.stdin || this.closed) return undefined;
    return new Writable({ write: (chunk: Buffer, _e, cb) => ((this.input += chunk.toString()), cb()) });
  }
  closeStdin(): void {
    this.closed = true;
  }
  resize(size: TerminalSize): void {
    this.sizes.push(size);
  }
}

function collector(): { stream: Writable; text: () => string } {
  let text = '';
  return { stream: new Writable({ write: (c: Buffer, _e, cb) => ((text += c.toString()), cb()) }), text: () => text };
}

function session(tty: boolean, withStdin = true): { stdio: StdioStreams; stdin: PassThrough; out: ReturnType<typeof collector>; err: ReturnType<typeof collector>; detach: () => void } {
  const controller = new AbortController();
  const stdin = new PassThrough();
  const out = collector();
  const err = collector();
  const stdio: StdioStreams = { stdin: withStdin ? stdin : undefined, stdout: out.stream, stderr: tty ? undefined : err.stream, tty, resizes: new TerminalSizeQueue(), signal: controller.signal };
  return { stdio, stdin, out, err, detach: () => controller.abort() };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('without a terminal: stdout and stderr apart, input delivered, stdin closed when the input ends (stdinOnce)', async () => {
  const live = new FakeLive(true, true, false);
  let exit!: () => void;
  const s = session(false);
  const done = attachLive(live, new Promise((r) => (exit = r)), s.stdio);
  live.print('stdout', 'out\n');
  live.print('stderr', 'err\n');
  s.stdin.end('typed\n');
  await tick();
  assert.equal(live.input, 'typed\n');
  assert.equal(live.closed, true);
  exit();
  await done;
  assert.equal(s.out.text(), 'out\n');
  assert.equal(s.err.text(), 'err\n');
});

test('stdin that is not stdinOnce stays open when the client detaches', async () => {
  const live = new FakeLive(true, false, false);
  const s = session(false);
  const done = attachLive(live, new Promise(() => undefined), s.stdio);
  s.stdin.end('a');
  await tick();
  s.detach();
  await done;
  assert.equal(live.closed, false);
  live.print('stdout', 'after detach');
  assert.equal(s.out.text(), '');
});

test('on a terminal: one output stream, sizes applied, stdinOnce closes stdin only when the attach ends', async () => {
  const live = new FakeLive(true, true, true);
  const s = session(true);
  s.stdio.resizes.push({ width: 80, height: 24 });
  const done = attachLive(live, new Promise(() => undefined), s.stdio);
  s.stdio.resizes.push({ width: 120, height: 40 });
  live.print('stdout', 'a');
  live.print('stderr', 'b');
  s.stdin.write('ls\r');
  await tick();
  assert.equal(live.closed, false);
  s.detach();
  await done;
  assert.equal(live.closed, true);
  assert.equal(s.out.text(), 'ab');
  assert.equal(live.input, 'ls\r');
  assert.deepEqual(live.sizes, [{ width: 80, height: 24 }, { width: 120, height: 40 }]);
});

test('an attach without stdin leaves a stdinOnce stdin open for the next one', async () => {
  const live = new FakeLive(true, true, false);
  const s = session(false, false);
  const done = attachLive(live, new Promise(() => undefined), s.stdio);
  s.detach();
  await done;
  assert.equal(live.closed, false);
});
