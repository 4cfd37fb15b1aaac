import { EventEmitter } from 'node:events';

/** A terminal size as kubectl sends it (`{"Width":120,"Height":40}`). */
export interface TerminalSize {
  width: number;
  height: number;
}

/** Reads a size message; undefined for anything that is not one. */
export function parseTerminalSize(text: string): TerminalSize | undefined {
  try {
    const v = JSON.parse(text) as { Width?: unknown; Height?: unknown };
    const width = Number(v.Width);
    const height = Number(v.Height);
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0 || width > 0xffff || height > 0xffff) return undefined;
    return { width, height };
  } catch {
    return undefined;
  }
}

/**
 * Splits a byte stream of concatenated JSON objects (the SPDY resize stream: Go's
 * json.Encoder writes one object per line, but nothing promises a chunk ends on one).
 *
 * @example
 * const split = new JsonObjectSplitter();
 * split.push('{"Width":80,"Height":24}\n{"Wid'); // ['{"Width":80,"Height":24}']
 */
export class JsonObjectSplitter {
  private pending = '';

  push(chunk: string): string[] {
    this.pending += chunk;
    const out: string[] = [];
    let depth = 0;
    let inString = false;
    let escaped = false;
    let start = -1;
    let consumed = 0;
    for (let i = 0; i < this.pending.length; i++) {
      const c = this.pending[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{') {
        if (depth++ === 0) start = i;
      } else if (c === '}' && depth > 0) {
        if (--depth === 0) {
          out.push(this.pending.slice(start, i + 1));
          consumed = i + 1;
        }
      } else if (depth === 0) consumed = i + 1;
    }
    this.pending = this.pending.slice(consumed);
    // A peer that never closes its braces must not grow this forever.
    if (this.pending.length > 4096) this.pending = '';
    return out;
  }
}

/**
 * The resize events of one session. The runner applies `current` when it starts the
 * process and listens for `resize` afterwards.
 */
export class TerminalSizeQueue extends EventEmitter<{ resize: [TerminalSize] }> {
  current?: TerminalSize;

  push(size: TerminalSize): void {
    this.current = size;
    this.emit('resize', size);
  }

  /** The first size, waiting at most `ms` for the client to send one (kubectl sends it first thing). */
  first(ms: number): Promise<TerminalSize | undefined> {
    if (this.current) return Promise.resolve(this.current);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.off('resize', onResize);
        resolve(undefined);
      }, ms);
      const onResize = (s: TerminalSize): void => {
        clearTimeout(timer);
        resolve(s);
      };
      this.once('resize', onResize);
    });
  }
}
