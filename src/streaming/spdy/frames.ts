/**
 * SPDY/3 frames (the framing of SPDY/3.1, which only adds session flow control): the subset
 * kubectl's SPDY client (moby/spdystream) sends and expects. Header blocks stay compressed
 * here; header-block.ts turns them into name/value pairs.
 */

export const SPDY_VERSION = 3;

/** Control frame type codes. */
export const FrameType = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goAway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes. */
export const RstStatus = {
  protocolError: 1,
  invalidStream: 2,
  refusedStream: 3,
  unsupportedVersion: 4,
  cancel: 5,
  internalError: 6,
  flowControlError: 7,
  streamInUse: 8,
  streamAlreadyClosed: 9,
} as const;

/** Largest payload of one frame (24-bit length). */
export const MAX_FRAME_PAYLOAD = 0xffffff;

export type SpdyFrame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { type: 'synStream'; streamId: number; associatedTo: number; priority: number; fin: boolean; unidirectional: boolean; headerBlock: Buffer }
  | { type: 'synReply'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'rstStream'; streamId: number; status: number }
  | { type: 'settings'; entries: { flags: number; id: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goAway'; lastGoodStreamId: number; status: number }
  | { type: 'windowUpdate'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number; version: number };

/** A frame the peer sent that SPDY/3 does not allow; the connection ends with GOAWAY. */
export class SpdyProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpdyProtocolError';
  }
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([head, payload]);
}

function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/**
 * Encodes one frame. Header blocks must already be compressed.
 *
 * @example
 * socket.write(encodeFrame({ type: 'data', streamId: 1, fin: false, data: Buffer.from('hi') }));
 */
export function encodeFrame(frame: Exclude<SpdyFrame, { type: 'unknown' }>): Buffer {
  switch (frame.type) {
    case 'data': {
      if (frame.data.length > MAX_FRAME_PAYLOAD) throw new RangeError('data frame too large');
      const head = Buffer.alloc(8);
      head.writeUInt32BE(frame.streamId & 0x7fffffff, 0);
      head.writeUInt32BE(((frame.fin ? FLAG_FIN : 0) << 24) | frame.data.length, 4);
      return Buffer.concat([head, frame.data]);
    }
    case 'synStream': {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(frame.streamId & 0x7fffffff, 0);
      fixed.writeUInt32BE(frame.associatedTo & 0x7fffffff, 4);
      fixed.writeUInt8((frame.priority & 0x7) << 5, 8);
      const flags = (frame.fin ? FLAG_FIN : 0) | (frame.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
      return controlFrame(FrameType.synStream, flags, Buffer.concat([fixed, frame.headerBlock]));
    }
    case 'synReply':
      return controlFrame(FrameType.synReply, frame.fin ? FLAG_FIN : 0, Buffer.concat([u32s(frame.streamId & 0x7fffffff), frame.headerBlock]));
    case 'headers':
      return controlFrame(FrameType.headers, frame.fin ? FLAG_FIN : 0, Buffer.concat([u32s(frame.streamId & 0x7fffffff), frame.headerBlock]));
    case 'rstStream':
      return controlFrame(FrameType.rstStream, 0, u32s(frame.streamId & 0x7fffffff, frame.status));
    case 'settings':
      return controlFrame(FrameType.settings, 0, u32s(frame.entries.length, ...frame.entries.flatMap((e) => [((e.flags & 0xff) << 24) | (e.id & 0xffffff), e.value])));
    case 'ping':
      return controlFrame(FrameType.ping, 0, u32s(frame.id));
    case 'goAway':
      return controlFrame(FrameType.goAway, 0, u32s(frame.lastGoodStreamId & 0x7fffffff, frame.status));
    case 'windowUpdate':
      return controlFrame(FrameType.windowUpdate, 0, u32s(frame.streamId & 0x7fffffff, frame.delta & 0x7fffffff));
  }
}

function need(payload: Buffer, n: number, what: string): void {
  if (payload.length < n) throw new SpdyProtocolError(`${what} frame too short (${payload.length} bytes)`);
}

function decodeControl(type: number, version: number, flags: number, p: Buffer): SpdyFrame {
  const fin = (flags & FLAG_FIN) !== 0;
  switch (type) {
    case FrameType.synStream:
      need(p, 10, 'SYN_STREAM');
      return {
        type: 'synStream',
        streamId: p.readUInt32BE(0) & 0x7fffffff,
        associatedTo: p.readUInt32BE(4) & 0x7fffffff,
        priority: p.readUInt8(8) >> 5,
        fin,
        unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: p.subarray(10),
      };
    case FrameType.synReply:
      need(p, 4, 'SYN_REPLY');
      return { type: 'synReply', streamId: p.readUInt32BE(0) & 0x7fffffff, fin, headerBlock: p.subarray(4) };
    case FrameType.headers:
      need(p, 4, 'HEADERS');
      return { type: 'headers', streamId: p.readUInt32BE(0) & 0x7fffffff, fin, headerBlock: p.subarray(4) };
    case FrameType.rstStream:
      need(p, 8, 'RST_STREAM');
      return { type: 'rstStream', streamId: p.readUInt32BE(0) & 0x7fffffff, status: p.readUInt32BE(4) };
    case FrameType.settings: {
      need(p, 4, 'SETTINGS');
      const count = p.readUInt32BE(0);
      need(p, 4 + count * 8, 'SETTINGS');
      const entries = [];
      for (let i = 0; i < count; i++) {
        const word = p.readUInt32BE(4 + i * 8);
        entries.push({ flags: word >>> 24, id: word & 0xffffff, value: p.readUInt32BE(8 + i * 8) });
      }
      return { type: 'settings', entries };
    }
    case FrameType.ping:
      need(p, 4, 'PING');
      return { type: 'ping', id: p.readUInt32BE(0) };
    case FrameType.goAway:
      need(p, 4, 'GOAWAY');
      return { type: 'goAway', lastGoodStreamId: p.readUInt32BE(0) & 0x7fffffff, status: p.length >= 8 ? p.readUInt32BE(4) : 0 };
    case FrameType.windowUpdate:
      need(p, 8, 'WINDOW_UPDATE');
      return { type: 'windowUpdate', streamId: p.readUInt32BE(0) & 0x7fffffff, delta: p.readUInt32BE(4) & 0x7fffffff };
    default:
      return { type: 'unknown', frameType: type, version };
  }
}

/**
 * Splits a byte stream into frames. Feed it what the socket gives; it returns every frame
 * completed so far and keeps the remainder.
 *
 * @example
 * const reader = new FrameReader();
 * socket.on('data', (chunk) => { for (const f of reader.push(chunk)) handle(f); });
 */
export class FrameReader {
  private buffered: Buffer[] = [];
  private length = 0;

  push(chunk: Buffer): SpdyFrame[] {
    this.buffered.push(chunk);
    this.length += chunk.length;
    const frames: SpdyFrame[] = [];
    let buf = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.length);
    let offset = 0;
    while (buf.length - offset >= 8) {
      const word = buf.readUInt32BE(offset);
      const flagsLength = buf.readUInt32BE(offset + 4);
      const length = flagsLength & 0xffffff;
      if (buf.length - offset < 8 + length) break;
      const flags = flagsLength >>> 24;
      const payload = buf.subarray(offset + 8, offset + 8 + length);
      offset += 8 + length;
      if (word & 0x80000000) {
        const version = (word >>> 16) & 0x7fff;
        if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
        frames.push(decodeControl(word & 0xffff, version, flags, Buffer.from(payload)));
      } else {
        // Copied: the caller may keep the data while the socket reuses its buffers.
        frames.push({ type: 'data', streamId: word & 0x7fffffff, fin: (flags & FLAG_FIN) !== 0, data: Buffer.from(payload) });
      }
    }
    buf = buf.subarray(offset);
    this.buffered = buf.length ? [buf] : [];
    this.length = buf.length;
    return frames;
  }
}
