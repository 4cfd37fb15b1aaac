import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseCriLine, rfc3339Nano } from './cri-format.js';
import { CriLogWriter } from './cri-log-writer.js';
import { writeContainerLog } from './cri-log-reader.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'k8ts-log-test-'));
}

function collect(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  return { out, text: () => Buffer.concat(chunks).toString() };
}

describe('CRI log format', () => {
  it('formats nanosecond times like Go RFC3339Nano', () => {
    assert.equal(rfc3339Nano(1714557600123456789n), '2024-05-01T10:00:00.123456789Z');
    assert.equal(rfc3339Nano(1714557600120000000n), '2024-05-01T10:00:00.12Z');
    assert.equal(rfc3339Nano(1714557600000000000n), '2024-05-01T10:00:00Z');
  });

  it('parses lines with and without a tag', () => {
    const e = parseCriLine(Buffer.from('2024-05-01T10:00:00.5Z stderr P hello world'))!;
    assert.equal(e.stream, 'stderr');
    assert.equal(e.tag, 'P');
    assert.equal(e.content.toString(), 'hello world');
    assert.equal(parseCriLine(Buffer.from('garbage')), undefined);
  });
});

describe('CriLogWriter', () => {
  it('writes complete lines as F and a trailing piece as P, keeping streams apart', () => {
    const dir = tmp();
    try {
      const w = new CriLogWriter(join(dir, 'c', '0.log'));
      w.write('stdout', Buffer.from('one\ntw'));
      w.write('stderr', Buffer.from('err\n'));
      w.write('stdout', Buffer.from('o\nthree'));
      w.close();
      const lines = readFileSync(join(dir, 'c', '0.log'), 'utf8').trim().split('\n').map((l) => l.split(' ').slice(1).join(' '));
      assert.deepEqual(lines, ['stdout F one', 'stderr F err', 'stdout F two', 'stdout P three']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rotates by size and keeps maxFiles files', () => {
    const dir = tmp();
    try {
      const path = join(dir, '0.log');
      const w = new CriLogWriter(path, { maxBytes: 200, maxFiles: 2 });
      for (let i = 0; i < 40; i++) w.write('stdout', Buffer.from(`line number ${i}\n`));
      w.close();
      const files = readdirSync(dir).sort();
      assert.equal(files.length, 2, files.join(','));
      assert.ok(files.includes('0.log'));
      assert.match(readFileSync(path, 'utf8'), /line number 39/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('writeContainerLog', () => {
  const dir = tmp();
  const path = join(dir, '0.log');
  const w = new CriLogWriter(path);
  for (let i = 1; i <= 5; i++) w.write(i % 2 ? 'stdout' : 'stderr', Buffer.from(`l${i}\n`));
  w.close();

  it('prints everything, a tail, with timestamps and a byte limit', async () => {
    let c = collect();
    await writeContainerLog(path, {}, c.out);
    assert.equal(c.text(), 'l1\nl2\nl3\nl4\nl5\n');
    c = collect();
    await writeContainerLog(path, { tailLines: 2 }, c.out);
    assert.equal(c.text(), 'l4\nl5\n');
    c = collect();
    await writeContainerLog(path, { tailLines: 1, timestamps: true }, c.out);
    assert.match(c.text(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z l5\n$/);
    c = collect();
    await writeContainerLog(path, { limitBytes: 4 }, c.out);
    assert.equal(c.text(), 'l1\nl');
    c = collect();
    await writeContainerLog(path, { sinceMs: Date.now() + 60_000 }, c.out);
    assert.equal(c.text(), '');
  });

  it('follows new lines until the container stops', async () => {
    const c = collect();
    let running = true;
    const done = writeContainerLog(path, { tailLines: 0, follow: true }, c.out, { isRunning: () => running, pollMs: 10 });
    await new Promise((r) => setTimeout(r, 30));
    appendFileSync(path, `${rfc3339Nano()} stdout F later\n`);
    while (!c.text().includes('later')) await new Promise((r) => setTimeout(r, 10));
    running = false;
    await done;
    assert.equal(c.text(), 'later\n');
    rmSync(dir, { recursive: true, force: true });
  });
});
