import { Duplex } from 'node:stream';
import type { SpdyHeaders } from './header-block.js';
import { RstStatus } from './frames.js';

/** What a stream needs from its connection. */
export interface StreamOwner {
  sendReply(stream: SpdyStream, headers: SpdyHeaders): void;
  sendData(stream: SpdyStream, data: Buffer, fin: boolean, done: (err?: Error | null) => void): void;
  sendReset(stream: SpdyStream, status: number): void;
  wantMore(): void;
  streamFinished(stream: SpdyStream): void;
}

/**
 * One SPDY stream as a Node Duplex: what the peer sends is readable (ending with its FIN),
 * what is written goes out as DATA frames and `end()` sends our FIN. Both FINs, a reset
 * either way, or the connection closing finish the stream.
 *
 * @example
 * conn.on('stream', (s) => { s.reply(); s.end('hello'); });
 */
export class SpdyStream extends Duplex {
  replied = false;
  remoteFinished = false;
  localFinished = false;
  wasReset = false;

  constructor(
    private readonly owner: StreamOwner,
    readonly id: number,
    readonly headers: SpdyHeaders,
  ) {
    super({ allowHalfOpen: true });
  }

  /** First value of a header (names are matched case-insensitively). */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  /** Accepts a stream the peer opened (SYN_REPLY). */
  reply(headers: SpdyHeaders = {}): void {
    if (this.replied) return;
    this.replied = true;
    this.owner.sendReply(this, headers);
  }

  /** Aborts the stream both ways (RST_STREAM). */
  reset(status: number = RstStatus.cancel): void {
    if (this.wasReset) return;
    this.wasReset = true;
    this.owner.sendReset(this, status);
    this.finish();
  }

  /** Data the peer sent; false asks the connection to stop reading until we want more. */
  receive(data: Buffer): boolean {
    if (this.remoteFinished || this.destroyed) return true;
    return this.push(data);
  }

  /** The peer's FIN. */
  receiveFin(): void {
    if (this.remoteFinished) return;
    this.remoteFinished = true;
    this.push(null);
    if (this.localFinished) this.finish();
  }

  /** The peer reset the stream, or the connection went away. */
  abort(): void {
    this.remoteFinished = true;
    this.localFinished = true;
    this.finish();
    if (!this.readableEnded) this.push(null);
    this.destroy();
  }

  private finish(): void {
    this.owner.streamFinished(this);
  }

  override _read(): void {
    this.owner.wantMore();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    // After our FIN or a reset the peer reads nothing more; late output is dropped.
    if (this.localFinished || this.wasReset) return cb();
    this.owner.sendData(this, chunk, false, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.localFinished || this.wasReset) return cb();
    this.localFinished = true;
    this.owner.sendData(this, Buffer.alloc(0), true, (err) => {
      if (this.remoteFinished) this.finish();
      cb(err);
    });
  }
}
