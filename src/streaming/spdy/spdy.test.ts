import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import zlib from 'node:zlib';
import { spdyDictionary } from './dictionary.js';
import { encodeFrame, FrameReader, SpdyProtocolError } from './frames.js';
import { HeaderCompressor, HeaderDecompressor, parseHeaders, serializeHeaders } from './header-block.js';
import { SpdyConnection } from './spdy-connection.js';
import type { SpdyStream } from './spdy-stream.js';

describe('SPDY dictionary', () => {
  it('is the 1423 bytes every SPDY/3 peer primes zlib with', () => {
    assert.equal(spdyDictionary.length, 1423);
    assert.equal(createHash('sha256').update(spdyDictionary).digest('hex'), '51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
  });
});

describe('SPDY frames', () => {
  it('round-trips every frame type through arbitrary chunking', () => {
    const frames = [
      encodeFrame({ type: 'synStream', streamId: 1, associatedTo: 0, priority: 2, fin: false, unidirectional: false, headerBlock: Buffer.from('hb') }),
      encodeFrame({ type: 'synReply', streamId: 1, fin: true, headerBlock: Buffer.from('x') }),
      encodeFrame({ type: 'data', streamId: 3, fin: true, data: Buffer.from('payload') }),
      encodeFrame({ type: 'rstStream', streamId: 5, status: 5 }),
      encodeFrame({ type: 'ping', id: 7 }),
      encodeFrame({ type: 'goAway', lastGoodStreamId: 9, status: 0 }),
      encodeFrame({ type: 'windowUpdate', streamId: 1, delta: 1000 }),
      encodeFrame({ type: 'settings', entries: [{ flags: 1, id: 7, value: 65536 }] }),
    ];
    const wire = Buffer.concat(frames);
    const reader = new FrameReader();
    const out = [];
    for (let i = 0; i < wire.length; i += 3) out.push(...reader.push(wire.subarray(i, i + 3)));
    assert.deepEqual(out.map((f) => f.type), ['synStream', 'synReply', 'data', 'rstStream', 'ping', 'goAway', 'windowUpdate', 'settings']);
    assert.deepEqual(out[0], { type: 'synStream', streamId: 1, associatedTo: 0, priority: 2, fin: false, unidirectional: false, headerBlock: Buffer.from('hb') });
    assert.deepEqual(out[2], { type: 'data', streamId: 3, fin: true, data: Buffer.from('payload') });
    assert.deepEqual(out[7], { type: 'settings', entries: [{ flags: 1, id: 7, value: 65536 }] });
  });

  it('rejects another SPDY version', () => {
    const f = encodeFrame({ type: 'ping', id: 1 });
    f.writeUInt16BE(0x8002, 0);
    assert.throws(() => new FrameReader().push(f), SpdyProtocolError);
  });
});

describe('SPDY header blocks', () => {
  it('serializes names lower-cased and values NUL-joined', () => {
    const raw = serializeHeaders({ StreamType: ['stdout'], multi: ['a', 'b'] });
    assert.deepEqual(parseHeaders(raw), { streamtype: ['stdout'], multi: ['a', 'b'] });
  });

  it('writes a zlib stream a dictionary-primed inflater reads block by block', () => {
    const c = new HeaderCompressor();
    const first = c.compress({ streamtype: ['error'] });
    const second = c.compress({ port: ['8080'], requestid: ['0'] });
    assert.deepEqual(first.subarray(0, 2), Buffer.from([0x78, 0xf9]));
    const out = zlib.inflateSync(Buffer.concat([first, second]), { dictionary: spdyDictionary, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const a = serializeHeaders({ streamtype: ['error'] });
    assert.deepEqual(parseHeaders(out.subarray(0, a.length)), { streamtype: ['error'] });
    assert.deepEqual(parseHeaders(out.subarray(a.length)), { port: ['8080'], requestid: ['0'] });
  });

  it('reads what real zlib (as Go writes it: one stream, sync flush per block) produces', async () => {
    const deflate = zlib.createDeflate({ dictionary: spdyDictionary, level: 9 });
    const blocks: Buffer[] = [];
    for (const h of [{ streamtype: ['stdin'] }, { streamtype: ['stdout'] }, { streamtype: ['resize'] }]) {
      blocks.push(
        await new Promise<Buffer>((resolve) => {
          deflate.write(serializeHeaders(h));
          deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            const chunks: Buffer[] = [];
            for (let b; (b = deflate.read() as Buffer | null) !== null; ) chunks.push(b);
            resolve(Buffer.concat(chunks));
          });
        }),
      );
    }
    const d = new HeaderDecompressor();
    assert.deepEqual(await d.decompress(blocks[0]!), { streamtype: ['stdin'] });
    assert.deepEqual(await d.decompress(blocks[1]!), { streamtype: ['stdout'] });
    assert.deepEqual(await d.decompress(blocks[2]!), { streamtype: ['resize'] });
    d.close();
  });

  it('fails on a block that is not a zlib stream', async () => {
    const d = new HeaderDecompressor();
    await assert.rejects(d.decompress(Buffer.from('not zlib at all')), SpdyProtocolError);
    d.close();
  });
});

async function pair(): Promise<{ client: SpdyConnection; server: SpdyConnection; close(): void }> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const accepted = new Promise<net.Socket>((r) => srv.once('connection', r));
  const c = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  const s = await accepted;
  return {
    client: new SpdyConnection(c, { server: false }),
    server: new SpdyConnection(s, { server: true }),
    close: () => {
      c.destroy();
      s.destroy();
      srv.close();
    },
  };
}

function readAll(s: SpdyStream): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    s.setEncoding('utf8').on('data', (d: string) => (text += d));
    s.once('end', () => resolve(text));
  });
}

describe('SPDY connection', () => {
  it('opens, replies, carries data both ways with half-close', async () => {
    const { client, server, close } = await pair();
    server.on('stream', (s: SpdyStream) => {
      assert.equal(s.header('streamType'), 'echo');
      s.reply();
      void readAll(s).then((text) => s.end(text.toUpperCase()));
    });
    const s = await client.openStream({ streamtype: ['echo'] });
    const reply = readAll(s);
    s.write('hello ');
    s.end('spdy');
    assert.equal(await reply, 'HELLO SPDY');
    close();
  });

  it('carries large payloads in several frames', async () => {
    const { client, server, close } = await pair();
    const big = Buffer.alloc(300_000, 7);
    server.on('stream', (s: SpdyStream) => {
      s.reply();
      s.end(big);
    });
    const s = await client.openStream({ streamtype: ['data'] }, { fin: true });
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    await new Promise((r) => s.once('end', r));
    assert.deepEqual(Buffer.concat(chunks), big);
    close();
  });

  it('rejects a reset stream and answers pings', async () => {
    const { client, server, close } = await pair();
    server.on('stream', (s: SpdyStream) => s.reset());
    await assert.rejects(client.openStream({ streamtype: ['bogus'] }), /reset/);
    close();
  });

  it('GOAWAY from close() ends the socket once streams finished', async () => {
    const { client, server, close } = await pair();
    server.on('stream', (s: SpdyStream) => {
      s.reply();
      s.end('bye');
      s.resume();
      server.close();
    });
    const closed = new Promise((r) => client.once('close', r));
    const s = await client.openStream({ streamtype: ['x'] }, { fin: true });
    assert.equal(await readAll(s), 'bye');
    await closed;
    close();
  });
});
