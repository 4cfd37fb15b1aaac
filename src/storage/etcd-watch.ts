import type { Etcd3, IEvent, IKeyValue, IWatchResponse, Watcher as EtcdWatcher } from 'etcd3';
import type { KeyValue, WatchEvent, WatchOptions, Watcher } from './store.js';

/** Converts etcd's key-value (int64s arrive as strings) into ours. */
export function fromEtcd(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString('utf8'),
    value: kv.value.toString('utf8'),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

/** Maps one etcd watch event (requested with prev_kv) onto a WatchEvent. */
export function toWatchEvent(ev: IEvent): WatchEvent {
  if (ev.type === 'Delete') {
    const revision = Number(ev.kv.mod_revision);
    // prev_kv is only missing if etcd could not read it; keep the key and revision at least.
    const kv = ev.prev_kv ? fromEtcd(ev.prev_kv) : { ...fromEtcd(ev.kv), modRevision: 0 };
    return { type: 'delete', kv, revision };
  }
  const kv = fromEtcd(ev.kv);
  // A create (version 1) has no previous value even if etcd sent the tombstone's prev.
  if (ev.prev_kv && ev.kv.version !== '1') return { type: 'put', kv, prev: fromEtcd(ev.prev_kv) };
  return { type: 'put', kv };
}

/**
 * One Store watch on top of an etcd3 Watcher. etcd delivers history from the start revision
 * and then live events, in revision order, and the etcd3 client re-subscribes after a
 * disconnection from the last revision it saw — so ordering and gaplessness come from etcd.
 * This wrapper adds the Store's error rules: a handler that throws ends the watch, and a
 * cancellation (compaction overtook the watch) is reported once through onError.
 */
export class EtcdWatch implements Watcher {
  private stopped = false;
  /** Revision of the last event handed to the handler. */
  private delivered: number;

  private constructor(
    private readonly watcher: EtcdWatcher,
    private readonly opts: WatchOptions,
    private readonly explain: (err: Error, nextRevision: number) => Promise<Error>,
    private readonly onStop: (w: EtcdWatch) => void,
  ) {
    this.delivered = opts.afterRevision;
  }

  /**
   * Subscribes to [start, end) from `afterRevision + 1` and resolves once etcd has accepted
   * the watch. `explain` turns a cancellation into the error to report (e.g. CompactedError).
   */
  static async start(
    client: Etcd3,
    range: { start: Buffer; end: Buffer },
    opts: WatchOptions,
    explain: (err: Error, nextRevision: number) => Promise<Error>,
    onStop: (w: EtcdWatch) => void,
  ): Promise<EtcdWatch> {
    const watcher = client
      .watch()
      .inRange(range)
      .withPreviousKV()
      .startRevision(String(opts.afterRevision + 1))
      .watcher();
    const watch = new EtcdWatch(watcher, opts, explain, onStop);
    // Listeners go on before etcd can answer: an 'error' without a listener would throw.
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      watcher.on('data', (res: IWatchResponse) => watch.onData(res));
      watcher.on('connected', () => {
        settled = true;
        resolve();
      });
      watcher.on('error', (err: Error) => {
        if (settled) watch.fail(err);
        else {
          settled = true;
          void watcher.cancel().catch(() => undefined);
          reject(err);
        }
      });
    });
    return watch;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.onStop(this);
    void this.watcher.cancel().catch(() => undefined);
  }

  /** Ends the watch and tells the handler why (used when the store closes). */
  end(reason: Error): void {
    if (this.stopped) return;
    this.stop();
    this.opts.onError?.(reason);
  }

  private onData(res: IWatchResponse): void {
    for (const ev of res.events) {
      if (this.stopped) return;
      const event = toWatchEvent(ev);
      try {
        this.opts.onEvent(event);
      } catch (err) {
        // A handler that throws has lost track of the stream; end it rather than skip events.
        this.end(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      this.delivered = event.type === 'delete' ? event.revision : event.kv.modRevision;
    }
  }

  private fail(err: Error): void {
    if (this.stopped) return;
    const next = this.delivered + 1;
    this.stop();
    void this.explain(err, next).then(
      (reason) => this.opts.onError?.(reason),
      () => this.opts.onError?.(err),
    );
  }
}
