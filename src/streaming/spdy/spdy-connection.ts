import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { encodeFrame, FrameReader, RstStatus, SpdyProtocolError, type SpdyFrame } from './frames.js';
import { HeaderCompressor, HeaderDecompressor, type SpdyHeaders } from './header-block.js';
import { SpdyStream, type StreamOwner } from './spdy-stream.js';

/** Data frames we send are at most this big, so one stream cannot hog the connection. */
const MAX_DATA_CHUNK = 32 * 1024;

export interface SpdyConnectionOptions {
  /** Server side: the peer opens odd-numbered streams and odd pings are the peer's. */
  server: boolean;
  /** How long close() waits for open streams before cutting the connection. */
  closeTimeoutMs?: number;
}

/**
 * A SPDY/3.1 session over any byte stream (a TLS socket, or a WebSocket tunnel), enough for
 * Kubernetes' streaming protocols: streams opened by the peer arrive as `stream` events with
 * their decoded headers; the server replies or resets them. PINGs are answered, GOAWAY ends
 * the session. kubectl's SPDY client does no flow control, so none is enforced here either
 * (WINDOW_UPDATE and SETTINGS frames are read and ignored).
 *
 * @example
 * const conn = new SpdyConnection(socket, { server: true });
 * conn.on('stream', (s) => { if (s.header('streamType') === 'stdout') s.reply(); else s.reset(); });
 */
export class SpdyConnection extends EventEmitter implements StreamOwner {
  private readonly reader = new FrameReader();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly pendingReplies = new Map<number, { resolve: (s: SpdyStream) => void; reject: (err: Error) => void }>();
  private chain: Promise<void> = Promise.resolve();
  private lastPeerStream = 0;
  private nextStreamId: number;
  private goneAway = false;
  private closed = false;
  private paused = false;

  constructor(
    private readonly socket: Duplex,
    private readonly opts: SpdyConnectionOptions,
  ) {
    super();
    this.nextStreamId = opts.server ? 2 : 1;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Through the frame chain: frames read before the EOF are still being decoded.
    const ended = (): void => {
      this.chain = this.chain.then(() => this.terminate());
    };
    socket.on('end', ended);
    socket.on('close', ended);
    socket.on('error', (err) => {
      this.emit('socketError', err);
      this.terminate();
    });
    // The socket may come paused (a caller that read the HTTP head itself); frames must flow.
    socket.resume();
  }

  /** Streams open right now. */
  get openStreams(): number {
    return this.streams.size;
  }

  private onData(chunk: Buffer): void {
    let frames: SpdyFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.protocolError(err as Error);
      return;
    }
    for (const frame of frames) {
      this.chain = this.chain.then(() => this.handle(frame)).catch((err: Error) => this.protocolError(err));
    }
  }

  private async handle(frame: SpdyFrame): Promise<void> {
    if (this.closed) return;
    switch (frame.type) {
      case 'synStream': {
        const headers = await this.decompressor.decompress(frame.headerBlock);
        if (this.goneAway || frame.streamId <= this.lastPeerStream || frame.streamId % 2 !== (this.opts.server ? 1 : 0)) {
          this.writeFrame(encodeFrame({ type: 'rstStream', streamId: frame.streamId, status: RstStatus.protocolError }));
          return;
        }
        this.lastPeerStream = frame.streamId;
        const stream = new SpdyStream(this, frame.streamId, headers);
        this.streams.set(stream.id, stream);
        if (frame.fin) stream.receiveFin();
        this.emit('stream', stream);
        return;
      }
      case 'synReply': {
        await this.decompressor.decompress(frame.headerBlock);
        const stream = this.streams.get(frame.streamId);
        const waiter = this.pendingReplies.get(frame.streamId);
        this.pendingReplies.delete(frame.streamId);
        if (stream) {
          stream.replied = true;
          if (frame.fin) stream.receiveFin();
          waiter?.resolve(stream);
        }
        return;
      }
      case 'headers':
        await this.decompressor.decompress(frame.headerBlock);
        if (frame.fin) this.streams.get(frame.streamId)?.receiveFin();
        return;
      case 'data': {
        const stream = this.streams.get(frame.streamId);
        if (!stream) return;
        if (frame.data.length && !stream.receive(frame.data)) this.pause();
        if (frame.fin) stream.receiveFin();
        return;
      }
      case 'rstStream': {
        const stream = this.streams.get(frame.streamId);
        this.pendingReplies.get(frame.streamId)?.reject(new Error(`SPDY stream ${frame.streamId} was reset`));
        this.pendingReplies.delete(frame.streamId);
        if (stream) {
          stream.wasReset = true;
          stream.abort();
        }
        return;
      }
      case 'ping':
        // A ping whose parity is the peer's is answered; ours coming back needs nothing.
        if (frame.id % 2 === (this.opts.server ? 1 : 0)) this.writeFrame(encodeFrame(frame));
        return;
      case 'goAway':
        this.goneAway = true;
        this.emit('goaway');
        if (this.streams.size === 0) this.endSocket();
        return;
      case 'settings':
      case 'windowUpdate':
      case 'unknown':
        return;
    }
  }

  private protocolError(err: Error): void {
    if (this.closed) return;
    if (err instanceof SpdyProtocolError) this.writeFrame(encodeFrame({ type: 'goAway', lastGoodStreamId: this.lastPeerStream, status: 1 }));
    this.emit('protocolError', err);
    this.destroy();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  wantMore(): void {
    if (!this.paused || this.closed) return;
    this.paused = false;
    this.socket.resume();
  }

  private writeFrame(buf: Buffer, done?: (err?: Error | null) => void): void {
    // The peer is gone: what it can no longer read is dropped, not turned into stream errors
    // (an unhandled 'error' on a stream would take the process down).
    if (this.closed || this.socket.destroyed || this.socket.writableEnded) {
      done?.();
      return;
    }
    if (this.socket.write(buf)) done?.();
    else if (done) this.socket.once('drain', () => done());
  }

  sendReply(stream: SpdyStream, headers: SpdyHeaders): void {
    this.writeFrame(encodeFrame({ type: 'synReply', streamId: stream.id, fin: false, headerBlock: this.compressor.compress(headers) }));
  }

  sendData(stream: SpdyStream, data: Buffer, fin: boolean, done: (err?: Error | null) => void): void {
    if (data.length <= MAX_DATA_CHUNK) {
      this.writeFrame(encodeFrame({ type: 'data', streamId: stream.id, fin, data }), done);
      return;
    }
    for (let at = 0; at < data.length; at += MAX_DATA_CHUNK) {
      const last = at + MAX_DATA_CHUNK >= data.length;
      this.writeFrame(encodeFrame({ type: 'data', streamId: stream.id, fin: fin && last, data: data.subarray(at, at + MAX_DATA_CHUNK) }), last ? done : undefined);
    }
  }

  sendReset(stream: SpdyStream, status: number): void {
    this.writeFrame(encodeFrame({ type: 'rstStream', streamId: stream.id, status }));
  }

  streamFinished(stream: SpdyStream): void {
    if (!this.streams.delete(stream.id)) return;
    if (this.goneAway && this.streams.size === 0) this.endSocket();
  }

  /**
   * Opens a stream (client side, and for tests); resolves once the peer replied.
   *
   * @example
   * const stdout = await conn.openStream({ streamtype: ['stdout'] });
   */
  openStream(headers: SpdyHeaders, opts: { fin?: boolean } = {}): Promise<SpdyStream> {
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = new SpdyStream(this, id, headers);
    this.streams.set(id, stream);
    if (opts.fin) stream.localFinished = true;
    return new Promise((resolve, reject) => {
      this.pendingReplies.set(id, { resolve, reject });
      stream.once('close', () => {
        if (this.pendingReplies.delete(id)) reject(new Error(`SPDY stream ${id} closed before a reply`));
      });
      this.writeFrame(encodeFrame({ type: 'synStream', streamId: id, associatedTo: 0, priority: 0, fin: !!opts.fin, unidirectional: false, headerBlock: this.compressor.compress(headers) }));
    });
  }

  /**
   * Ends the session politely: GOAWAY now, the socket once every open stream finished (or
   * after the close timeout), so output still in flight reaches the peer.
   */
  close(): void {
    if (this.closed) return;
    if (!this.goneAway) {
      this.goneAway = true;
      this.writeFrame(encodeFrame({ type: 'goAway', lastGoodStreamId: this.lastPeerStream, status: 0 }));
    }
    if (this.streams.size === 0) {
      this.endSocket();
      return;
    }
    const timer = setTimeout(() => this.endSocket(), this.opts.closeTimeoutMs ?? 10_000);
    timer.unref();
  }

  private endSocket(): void {
    if (this.socket.writableEnded) return;
    this.socket.end();
    // The peer closes its side once it read everything; don't wait on it forever.
    const timer = setTimeout(() => this.destroy(), 30_000);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
  }

  /** Cuts the connection at once; open streams end. */
  destroy(): void {
    this.socket.destroy();
    this.terminate();
  }

  private terminate(): void {
    if (this.closed) return;
    this.closed = true;
    this.decompressor.close();
    for (const s of [...this.streams.values()]) s.abort();
    this.streams.clear();
    this.emit('close');
  }
}
