/**
 * A small pool of unpack worker threads (unpack-worker.ts), one layer per worker at a time.
 * Idle workers are unref'd so they never keep a process alive; a worker that crashes is
 * replaced. Chunks are copied into their own buffers and transferred, with a window of
 * bytes in flight so a fast network cannot outrun a slow disk without bound.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { UnpackStats } from './layer-unpack.js';

export type ToWorker =
  | { type: 'start'; dir: string; algorithm: string }
  | { type: 'chunk'; data: ArrayBuffer }
  | { type: 'end' }
  | { type: 'abort' };

type FromWorker = { type: 'ack'; bytes: number } | { type: 'done'; diffID: string; stats: UnpackStats } | { type: 'error'; message: string };

/** One layer being unpacked in a worker. */
export interface UnpackJob {
  /** Sends compressed (or plain) tar bytes; waits while too many are in flight. */
  write(chunk: Buffer): Promise<void>;
  /** Signals the end of the input; resolves with the diffID computed and what was written. */
  end(): Promise<{ diffID: string; stats: UnpackStats }>;
  /** Stops the job; resolves once the worker has let go of the folder. */
  abort(): Promise<void>;
}

const WINDOW = 8 * 1024 * 1024;

export class UnpackPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: ((w: Worker) => void)[] = [];
  private count = 0;

  constructor(private readonly size = Math.max(3, Math.min(4, availableParallelism()))) {}

  /**
   * Starts unpacking into `dir` (which must exist and be empty), hashing the uncompressed
   * tar with `algorithm`.
   *
   * @example
   * const job = await pool.start(join(work, 'rootfs'), 'sha256');
   * for await (const chunk of blob) await job.write(chunk);
   * const { diffID } = await job.end();
   */
  async start(dir: string, algorithm: string): Promise<UnpackJob> {
    const worker = await this.acquire();
    worker.ref();
    let inflight = 0;
    let failure: Error | undefined;
    let settled = false;
    let result: { diffID: string; stats: UnpackStats } | undefined;
    let wake: (() => void) | undefined;
    let finish: { resolve: (r: { diffID: string; stats: UnpackStats }) => void; reject: (e: Error) => void } | undefined;
    const release = () => {
      if (settled) return;
      settled = true;
      worker.off('message', onMessage);
      worker.off('error', onError);
      this.release(worker);
    };
    const onMessage = (msg: FromWorker) => {
      if (msg.type === 'ack') {
        inflight -= msg.bytes;
        if (inflight < WINDOW) wake?.();
        return;
      }
      if (msg.type === 'done') result = { diffID: msg.diffID, stats: msg.stats };
      else failure = new Error(msg.message);
      release();
      wake?.();
      if (finish) settle();
    };
    const onError = (err: Error) => {
      failure = err;
      settled = true;
      this.count--; // a crashed worker is not returned to the pool
      wake?.();
      if (finish) settle();
    };
    const settle = () => {
      if (result) finish!.resolve(result);
      else if (failure) finish!.reject(failure);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage({ type: 'start', dir, algorithm } satisfies ToWorker);
    return {
      write: async (chunk) => {
        if (failure) throw failure;
        if (settled) throw new Error('unpack already finished');
        const copy = new Uint8Array(chunk.length);
        copy.set(chunk);
        inflight += chunk.length;
        worker.postMessage({ type: 'chunk', data: copy.buffer } satisfies ToWorker, [copy.buffer]);
        while (inflight >= WINDOW && !failure && !settled) await new Promise<void>((r) => (wake = r));
        if (failure) throw failure;
      },
      end: () =>
        new Promise((resolve, reject) => {
          finish = { resolve, reject };
          if (result || failure) settle();
          else worker.postMessage({ type: 'end' } satisfies ToWorker);
        }),
      abort: () =>
        new Promise<void>((resolve) => {
          if (settled) return resolve();
          finish = { resolve: () => resolve(), reject: () => resolve() };
          worker.postMessage({ type: 'abort' } satisfies ToWorker);
        }),
    };
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) return Promise.resolve(w);
    if (this.count < this.size) {
      this.count++;
      return Promise.resolve(new Worker(new URL('./unpack-worker.js', import.meta.url)));
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next) return next(worker);
    worker.unref();
    this.idle.push(worker);
  }
}

/** The pool every store in this process shares. */
export const unpackPool = new UnpackPool();
