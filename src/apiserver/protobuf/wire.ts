/**
 * Protobuf wire primitives. A single growing buffer with back-patched lengths keeps
 * allocation low: encoding big lists through a writer that allocates per field was
 * dominated by garbage collection.
 */
import { ProtobufDecodeError } from './errors.js';

const TWO_32 = 4294967296;
const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/** Reads a protobuf message from `buf[pos..end)`. */
export class WireReader {
  pos: number;

  constructor(readonly buf: Uint8Array, pos = 0, readonly end = buf.length) {
    this.pos = pos;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new ProtobufDecodeError('truncated protobuf data');
    return this.buf[this.pos++]!;
  }

  /** A varint, low 32 bits, unsigned. */
  uint32(): number {
    let b = this.byte();
    let v = b & 0x7f;
    if (b < 0x80) return v;
    b = this.byte(); v |= (b & 0x7f) << 7; if (b < 0x80) return v;
    b = this.byte(); v |= (b & 0x7f) << 14; if (b < 0x80) return v;
    b = this.byte(); v |= (b & 0x7f) << 21; if (b < 0x80) return v;
    b = this.byte(); v = (v | ((b & 0x0f) << 28)) >>> 0;
    for (let i = 0; b >= 0x80; i++) {
      if (i === 5) throw new ProtobufDecodeError('malformed varint');
      b = this.byte();
    }
    return v;
  }

  /** A varint as a signed 64-bit number (exact up to 2^53). */
  int64(): number {
    let lo = 0;
    let hi = 0;
    let b = 0;
    let i = 0;
    for (; i < 4; i++) {
      b = this.byte();
      lo |= (b & 0x7f) << (i * 7);
      if (b < 0x80) return lo >>> 0;
    }
    b = this.byte();
    lo = (lo | ((b & 0x7f) << 28)) >>> 0;
    hi = (b & 0x7f) >> 4;
    for (i = 0; b >= 0x80; i++) {
      if (i === 5) throw new ProtobufDecodeError('malformed varint');
      b = this.byte();
      hi |= (b & 0x7f) << (i * 7 + 3);
    }
    if (hi & 0x80000000) return -((~hi >>> 0) * TWO_32 + (~lo >>> 0) + 1);
    return (hi >>> 0) * TWO_32 + lo;
  }

  int32(): number {
    return this.int64() | 0;
  }

  bool(): boolean {
    return this.int64() !== 0;
  }

  double(): number {
    const v = new DataView(this.buf.buffer, this.buf.byteOffset).getFloat64(this.need(8), true);
    return v;
  }

  float(): number {
    return new DataView(this.buf.buffer, this.buf.byteOffset).getFloat32(this.need(4), true);
  }

  private need(n: number): number {
    const at = this.pos;
    if (at + n > this.end) throw new ProtobufDecodeError('truncated protobuf data');
    this.pos += n;
    return at;
  }

  /** A length-delimited field as a view into the buffer. */
  bytes(): Uint8Array {
    const len = this.uint32();
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }

  /** Start and end of a length-delimited field, consuming it. */
  span(): [number, number] {
    const len = this.uint32();
    const at = this.need(len);
    return [at, at + len];
  }

  string(): string {
    const len = this.uint32();
    const at = this.need(len);
    if (len < 64) {
      let s = '';
      for (let i = at; i < at + len; i++) {
        const c = this.buf[i]!;
        if (c >= 0x80) return utf8Decoder.decode(this.buf.subarray(at, at + len));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return utf8Decoder.decode(this.buf.subarray(at, at + len));
  }

  skip(wire: number): void {
    switch (wire) {
      case 0: this.int64(); return;
      case 1: this.need(8); return;
      case 2: this.span(); return;
      case 5: this.need(4); return;
      default: throw new ProtobufDecodeError(`unsupported wire type ${wire}`);
    }
  }
}

/** Writes protobuf into one growing buffer; fork()/ldelim() wrap a nested message. */
export class WireWriter {
  private buf = new Uint8Array(256);
  private pos = 0;
  private readonly forks: number[] = [];

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  tag(num: number, wire: number): this {
    return this.uint32(((num << 3) | wire) >>> 0);
  }

  uint32(v: number): this {
    this.ensure(5);
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
    return this;
  }

  /** Any integer in ±2^53 as a 64-bit varint (negatives take 10 bytes, as in Go). */
  int64(v: number): this {
    if (v >= 0 && v <= 0xffffffff) return this.uint32(v);
    let lo: number;
    let hi: number;
    if (v >= 0) {
      lo = v % TWO_32;
      hi = Math.floor(v / TWO_32);
    } else {
      const m = -v;
      lo = ~(m % TWO_32) >>> 0;
      hi = ~Math.floor(m / TWO_32) >>> 0;
      lo = (lo + 1) >>> 0;
      if (lo === 0) hi = (hi + 1) >>> 0;
    }
    this.ensure(10);
    while (hi > 0 || lo > 0x7f) {
      this.buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.pos++] = lo;
    return this;
  }

  int32(v: number): this {
    return this.int64(v | 0);
  }

  bool(v: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
    return this;
  }

  double(v: number): this {
    this.ensure(8);
    new DataView(this.buf.buffer).setFloat64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  float(v: number): this {
    this.ensure(4);
    new DataView(this.buf.buffer).setFloat32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  bytes(v: Uint8Array): this {
    this.uint32(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
    return this;
  }

  string(s: string): this {
    let ascii = s.length < 128;
    for (let i = 0; ascii && i < s.length; i++) if (s.charCodeAt(i) >= 0x80) ascii = false;
    if (ascii) {
      this.uint32(s.length);
      this.ensure(s.length);
      for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
      return this;
    }
    return this.bytes(utf8Encoder.encode(s));
  }

  fork(): this {
    this.forks.push(this.pos);
    return this;
  }

  /** Ends the innermost fork: moves its bytes up to make room for their length. */
  ldelim(): this {
    const start = this.forks.pop();
    if (start === undefined) throw new Error('ldelim without fork');
    const len = this.pos - start;
    let size = 1;
    for (let v = len; v > 0x7f; v >>>= 7) size++;
    this.ensure(size);
    this.buf.copyWithin(start + size, start, this.pos);
    const end = this.pos + size;
    this.pos = start;
    this.uint32(len);
    this.pos = end;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
