type State = 'size' | 'ext' | 'sizeLF' | 'data' | 'dataCR' | 'dataLF' | 'trailerStart' | 'trailer' | 'trailerLF' | 'endLF' | 'done';

/**
 * Finds where a chunked body ends without decoding it, so chunked responses can be relayed
 * byte for byte and the connection reused afterwards. Feed it successive buffers; it reports
 * how many bytes of each belong to the body. Malformed framing throws.
 *
 * @example
 * const s = new ChunkedScanner();
 * s.feed(Buffer.from('5\r\nhello\r\n0\r\n\r\nNEXT')); // 15: the body ends there
 */
export class ChunkedScanner {
  private state: State = 'size';
  private remaining = 0;
  private sizeDigits = 0;

  get done(): boolean {
    return this.state === 'done';
  }

  /** Bytes of `buf` that are part of the body; less than buf.length once the body ended. */
  feed(buf: Buffer): number {
    let i = 0;
    while (i < buf.length && this.state !== 'done') {
      const c = buf[i]!;
      switch (this.state) {
        case 'size': {
          const v = hexValue(c);
          if (v >= 0) {
            if (++this.sizeDigits > 12) throw new Error('chunk size too long');
            this.remaining = this.remaining * 16 + v;
          } else if (c === 0x3b || c === 0x20 || c === 0x09) this.state = 'ext';
          else if (c === 0x0d && this.sizeDigits > 0) this.state = 'sizeLF';
          else throw new Error('bad chunk size');
          i++;
          break;
        }
        case 'ext':
          if (c === 0x0d) this.state = 'sizeLF';
          i++;
          break;
        case 'sizeLF':
          if (c !== 0x0a) throw new Error('bad chunk size line');
          this.state = this.remaining === 0 ? 'trailerStart' : 'data';
          this.sizeDigits = 0;
          i++;
          break;
        case 'data': {
          const n = Math.min(this.remaining, buf.length - i);
          this.remaining -= n;
          i += n;
          if (this.remaining === 0) this.state = 'dataCR';
          break;
        }
        case 'dataCR':
          if (c !== 0x0d) throw new Error('bad chunk end');
          this.state = 'dataLF';
          i++;
          break;
        case 'dataLF':
          if (c !== 0x0a) throw new Error('bad chunk end');
          this.state = 'size';
          i++;
          break;
        case 'trailerStart':
          // An empty line ends the body; anything else is a trailer field line.
          this.state = c === 0x0d ? 'endLF' : 'trailer';
          i++;
          break;
        case 'trailer':
          if (c === 0x0d) this.state = 'trailerLF';
          i++;
          break;
        case 'trailerLF':
          if (c !== 0x0a) throw new Error('bad trailer');
          this.state = 'trailerStart';
          i++;
          break;
        case 'endLF':
          if (c !== 0x0a) throw new Error('bad body end');
          this.state = 'done';
          i++;
          break;
      }
    }
    return i;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
