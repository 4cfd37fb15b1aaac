import zlib from 'node:zlib';
import { spdyDictionary } from './dictionary.js';
import { SpdyProtocolError } from './frames.js';

/** SPDY header names are lower case; one name may carry several values (NUL-separated on the wire). */
export type SpdyHeaders = Record<string, string[]>;

/**
 * The uncompressed form of a header block: a 32-bit pair count, then each name and value
 * with a 32-bit length prefix; several values of one name are joined with NUL.
 */
export function serializeHeaders(headers: SpdyHeaders): Buffer {
  const entries = Object.entries(headers).filter(([, v]) => v.length > 0);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, values] of entries) {
    // Go's SPDY reader rejects upper-case names ("header was not lowercased").
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(values.join('\0'), 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Parses an uncompressed header block. */
export function parseHeaders(block: Buffer): SpdyHeaders {
  let offset = 0;
  const read = (n: number): Buffer => {
    if (offset + n > block.length) throw new SpdyProtocolError('truncated header block');
    const out = block.subarray(offset, offset + n);
    offset += n;
    return out;
  };
  const count = read(4).readUInt32BE(0);
  const headers: SpdyHeaders = {};
  for (let i = 0; i < count; i++) {
    const name = read(read(4).readUInt32BE(0)).toString('utf8').toLowerCase();
    const value = read(read(4).readUInt32BE(0)).toString('utf8');
    if (!name) continue;
    (headers[name] ??= []).push(...value.split('\0'));
  }
  return headers;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * Compresses the header blocks one direction of a connection sends. SPDY keeps one zlib
 * stream per direction, primed with the SPDY dictionary; this writer emits that stream as
 * stored (uncompressed) deflate blocks, which any inflater reads and which needs no async
 * zlib round trip, so frames can be written in order synchronously. Headers here are a few
 * bytes (`streamType: stdout`), where compression would save nothing.
 *
 * @example
 * const out = new HeaderCompressor();
 * const block = out.compress({ streamtype: ['stdout'] });
 */
export class HeaderCompressor {
  private started = false;

  compress(headers: SpdyHeaders): Buffer {
    const raw = serializeHeaders(headers);
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // zlib header: deflate, 32 KiB window, FDICT with the dictionary's Adler-32.
      parts.push(Buffer.from([0x78, 0xf9]), u32(adler32(spdyDictionary)));
    }
    for (let at = 0; at < raw.length; at += 0xffff) {
      const piece = raw.subarray(at, at + 0xffff);
      const head = Buffer.alloc(5);
      head.writeUInt8(0, 0); // BFINAL=0, BTYPE=00 (stored), padded to the byte boundary
      head.writeUInt16LE(piece.length, 1);
      head.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(head, piece);
    }
    // An empty stored block ends each header block, exactly what zlib's SYNC_FLUSH emits:
    // Go's inflater only hands out a block's bytes once it has seen the next block header.
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

/**
 * Decompresses the header blocks the peer sends: one inflate stream for the connection,
 * flushed after each block. Calls must not overlap (the connection awaits each in turn).
 */
export class HeaderDecompressor {
  private readonly inflate = zlib.createInflate({ dictionary: spdyDictionary });
  private failure?: Error;
  private rejectPending?: (err: Error) => void;

  constructor() {
    this.inflate.on('error', (err) => {
      this.failure = err;
      this.rejectPending?.(new SpdyProtocolError(`header decompression failed: ${err.message}`));
    });
  }

  decompress(block: Buffer): Promise<SpdyHeaders> {
    if (this.failure) return Promise.reject(new SpdyProtocolError(`header decompression failed: ${this.failure.message}`));
    return new Promise((resolve, reject) => {
      this.rejectPending = reject;
      this.inflate.write(block);
      this.inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        if (this.failure) return reject(new SpdyProtocolError(`header decompression failed: ${this.failure.message}`));
        const chunks: Buffer[] = [];
        for (let c: Buffer | null; (c = this.inflate.read() as Buffer | null) !== null; ) chunks.push(c);
        try {
          resolve(parseHeaders(Buffer.concat(chunks)));
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  close(): void {
    this.inflate.destroy();
  }
}
