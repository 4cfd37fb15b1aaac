import { Readable, Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import { CLOSE_CHANNEL } from './protocols.js';

/** How a channel protocol puts bytes in messages. */
export interface ChannelCodec {
  /** Binary messages with a channel byte, or text messages with a digit and base64. */
  binary: boolean;
  /** v5: `[255, channel]` closes a channel. */
  supportsClose: boolean;
}

/** The codec of a negotiated `*.channel.k8s.io` subprotocol ("" means binary v1). */
export function channelCodec(protocol: string): ChannelCodec {
  return { binary: !protocol.includes('base64'), supportsClose: protocol.startsWith('v5.') };
}

/**
 * The server side of Kubernetes' WebSocket channel protocols (`channel.k8s.io`,
 * `base64.channel.k8s.io`, v4, v5): one WebSocket multiplexes numbered channels, each
 * message starting with its channel. Readable channels are Node Readables (ending on a v5
 * CLOSE or when the socket closes); writable channels are Writables. Messages for channels
 * nobody opened are dropped, and nothing is ever sent on a channel that was not opened.
 *
 * @example
 * const ch = new WsChannels(ws, channelCodec('v5.channel.k8s.io'));
 * ch.readable(0).pipe(process.stdin);
 * ch.writable(1).write('hello');
 */
export class WsChannels {
  private readonly readers = new Map<number, Readable>();
  private readonly writers = new Map<number, Writable>();

  constructor(
    readonly ws: WebSocket,
    private readonly codec: ChannelCodec,
  ) {
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => this.onMessage(toBuffer(data), isBinary));
    ws.on('close', () => {
      for (const r of this.readers.values()) if (!r.readableEnded) r.push(null);
      for (const w of this.writers.values()) w.destroy();
    });
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (data.length === 0) return;
    let channel: number;
    let payload: Buffer;
    if (this.codec.binary || isBinary) {
      channel = data[0]!;
      if (this.codec.supportsClose && channel === CLOSE_CHANNEL) {
        if (data.length === 2) this.endReader(data[1]!);
        return;
      }
      payload = data.subarray(1);
    } else {
      channel = data[0]! - 0x30;
      payload = Buffer.from(data.subarray(1).toString('latin1'), 'base64');
    }
    const reader = this.readers.get(channel);
    if (!reader || reader.readableEnded || !payload.length) return;
    if (!reader.push(payload)) this.ws.pause();
  }

  private endReader(channel: number): void {
    const r = this.readers.get(channel);
    if (r && !r.readableEnded) r.push(null);
  }

  /** The data the client sends on `channel`. */
  readable(channel: number): Readable {
    let r = this.readers.get(channel);
    if (!r) {
      r = new Readable({ read: () => this.ws.isPaused && this.ws.resume() });
      this.readers.set(channel, r);
    }
    return r;
  }

  /** A writer whose chunks go out on `channel`. */
  writable(channel: number): Writable {
    let w = this.writers.get(channel);
    if (!w) {
      w = new Writable({
        write: (chunk: Buffer, _enc, cb) => this.send(channel, chunk, cb),
      });
      this.writers.set(channel, w);
    }
    return w;
  }

  /** Sends one message on a channel (an empty one tells kubectl the session is up). */
  send(channel: number, data: Buffer, cb?: (err?: Error | null) => void): void {
    // The client is gone: late output is dropped rather than failing the writer.
    if (this.ws.readyState !== this.ws.OPEN) {
      cb?.();
      return;
    }
    const msg = this.codec.binary
      ? Buffer.concat([Buffer.from([channel]), data])
      : String.fromCharCode(0x30 + channel) + data.toString('base64');
    this.ws.send(msg, { binary: this.codec.binary }, () => cb?.());
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
