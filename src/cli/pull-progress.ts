/**
 * Pull progress for `k8ts image pull`: on a terminal, one live line per layer with bytes
 * done and total, redrawn in place; elsewhere (CI logs, pipes), one line when a layer
 * starts and one when it is complete.
 */
import type { PullProgress } from '../agent/images/image-service.js';
import { shortDigest } from '../agent/images/digest.js';
import { humanSize } from './image-table.js';

interface LayerState {
  done: number;
  total: number;
}

export class PullProgressDisplay {
  private readonly layers = new Map<string, LayerState>();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly announced = new Set<string>();

  /**
   * @example
   * const display = new PullProgressDisplay(process.stdout, process.stdout.isTTY === true);
   * await images.pull(ref, { onProgress: (p) => display.update(p) });
   * display.finish();
   */
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly tty: boolean,
    private readonly intervalMs = 100,
  ) {}

  update(p: PullProgress): void {
    const first = !this.layers.has(p.layer);
    this.layers.set(p.layer, { done: p.done, total: p.total });
    if (this.tty) {
      this.timer ??= setInterval(() => this.draw(), this.intervalMs);
      if (first) this.draw();
      return;
    }
    const id = shortDigest(p.layer);
    if (p.done >= p.total) {
      if (!this.announced.has(`${id}:done`)) {
        this.announced.add(`${id}:done`);
        this.out.write(`${id}: done (${humanSize(p.total)})\n`);
      }
    } else if (!this.announced.has(id)) {
      this.announced.add(id);
      this.out.write(`${id}: downloading (${humanSize(p.total)})\n`);
    }
  }

  /** Draws the final state and stops redrawing. */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) this.draw();
  }

  private draw(): void {
    let text = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const [layer, s] of this.layers) {
      const status = s.done >= s.total ? 'Pull complete' : `Downloading  ${bar(s.done, s.total)} ${humanSize(s.done)}/${humanSize(s.total)}`;
      text += `\x1b[2K${shortDigest(layer)}: ${status}\n`;
    }
    this.drawn = this.layers.size;
    this.out.write(text);
  }
}

function bar(done: number, total: number, width = 30): string {
  const filled = total > 0 ? Math.min(width, Math.floor((done / total) * width)) : 0;
  return `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}]`;
}
