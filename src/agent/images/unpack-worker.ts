/**
 * Worker thread that unpacks one layer at a time: compressed bytes arrive as messages, are
 * decompressed, hashed (the diffID) and written out by unpackLayer — all off the main
 * thread, so a pull keeps downloading and verifying while layers land on disk, and two
 * layers unpack on two cores.
 *
 * Protocol (see unpack-pool.ts): `start {dir, algorithm}`, then `chunk {data}`… and `end`,
 * or `abort`. Replies: `ack {bytes}` per chunk consumed, then `done {diffID, stats}` or
 * `error {message}`.
 */
import { createHash } from 'node:crypto';
import { PassThrough, Transform } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { decompressed } from './decompress.js';
import { unpackLayer } from './layer-unpack.js';
import type { ToWorker } from './unpack-pool.js';

interface Job {
  input: PassThrough;
  failed: boolean;
}

let job: Job | undefined;
const port = parentPort!;

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'start') {
    const input = new PassThrough({ highWaterMark: 1024 * 1024 });
    const current: Job = { input, failed: false };
    job = current;
    const hash = createHash(msg.algorithm);
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    const tar = decompressed(input);
    tar.once('error', (err) => hashing.destroy(err));
    const ended = new Promise<void>((resolve, reject) => {
      hashing.once('end', resolve);
      hashing.once('error', reject);
    });
    ended.catch(() => undefined);
    unpackLayer(tar.pipe(hashing), msg.dir)
      .then(async (stats) => {
        // Bytes after the tar's end marker still count towards the diffID.
        hashing.resume();
        await ended;
        port.postMessage({ type: 'done', diffID: `${msg.algorithm}:${hash.digest('hex')}`, stats });
      })
      .catch((err: unknown) => {
        current.failed = true;
        input.destroy();
        port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      });
    return;
  }
  const current = job;
  if (!current) return;
  if (msg.type === 'chunk') {
    const data = Buffer.from(msg.data);
    if (current.failed) return;
    current.input.write(data, () => port.postMessage({ type: 'ack', bytes: data.length }));
  } else if (msg.type === 'end') {
    current.input.end();
  } else {
    current.input.destroy(new Error('unpack aborted'));
  }
});
