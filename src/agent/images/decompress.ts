/**
 * Layer decompression chosen by what the bytes are, not only by what the media type claims:
 * gzip is recognised by its magic number (some tools label gzip layers `.tar` and vice
 * versa), zstd is used when this Node has it, anything else passes through as a plain tar.
 */
import { PassThrough, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

type ZstdFactory = () => Transform;

/**
 * Returns a stream of the uncompressed tar. Errors of the input or the decompressor are
 * forwarded to the returned stream.
 *
 * @example
 * await layers.unpack(diffID, decompressed(createReadStream(blobPath)));
 */
export function decompressed(input: Readable): Readable {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  let decided = false;
  const head: Buffer[] = [];
  let headLength = 0;
  const decide = () => {
    decided = true;
    input.pause();
    input.removeListener('data', onData);
    input.removeListener('end', onEnd);
    const first = Buffer.concat(head);
    const starts = (magic: number[]) => magic.every((b, i) => first[i] === b);
    let stage: Readable & NodeJS.WritableStream = new PassThrough();
    if (starts(GZIP_MAGIC)) stage = zlib.createGunzip({ chunkSize: 256 * 1024 });
    else if (starts(ZSTD_MAGIC)) {
      const zstd = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;
      if (!zstd) {
        out.destroy(new Error('zstd-compressed layers need a Node.js with zstd support (22.15 or later)'));
        input.destroy();
        return;
      }
      stage = zstd();
    }
    stage.once('error', (err) => out.destroy(err));
    stage.pipe(out);
    stage.write(first);
    input.pipe(stage);
    input.resume();
  };
  const onData = (chunk: Buffer) => {
    head.push(chunk);
    headLength += chunk.length;
    if (headLength >= 4) decide();
  };
  const onEnd = () => {
    if (!decided) {
      decide();
    }
  };
  input.on('data', onData);
  input.once('end', onEnd);
  input.once('error', (err) => out.destroy(err));
  return out;
}
