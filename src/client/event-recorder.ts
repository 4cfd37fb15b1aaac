import type { KubeObject } from '../api/types.js';
import { ApiError } from '../apiserver/errors.js';
import type { ResourceCatalog } from '../apiserver/registry/catalog.js';
import { type Clock, rfc3339, systemClock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { EventCorrelator } from './event-correlator.js';
import { type EventSink, toEventSink } from './event-sink.js';
import type { RestClient } from './rest-client.js';

export type EventType = 'Normal' | 'Warning';

/** Who reports events: `source.component` / `reportingComponent`, and the node or host. */
export interface EventSource {
  component: string;
  host?: string;
}

/** A reference to the object an event is about (core/v1 ObjectReference). */
export interface InvolvedObject {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** Like Kubernetes' broadcaster: past this many unwritten events, new ones are dropped. */
const maxQueued = 1000;
const writeAttempts = 3;

function referenceTo(obj: KubeObject | InvolvedObject): InvolvedObject {
  if (!('metadata' in obj)) return obj;
  const m = (obj as KubeObject).metadata;
  const ref: InvolvedObject = { kind: obj.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: obj.apiVersion, resourceVersion: m.resourceVersion };
  for (const k of Object.keys(ref) as (keyof InvolvedObject)[]) if (ref[k] === undefined || ref[k] === '') delete ref[k];
  return ref;
}

/**
 * Records core/v1 Events the way Kubernetes components do: names `<object>.<hex nanoseconds>`,
 * `source` and `reportingComponent`/`reportingInstance` from the recorder, and repeats
 * aggregated by an EventCorrelator (count/lastTimestamp bumps, "combined from similar
 * events", a per-object rate limit). Writes happen in the background, one at a time, in order;
 * a failed write is logged, never thrown at the caller.
 *
 * @example
 * const recorder = new EventRecorder(catalog, { component: 'deployment-controller' });
 * recorder.event(deployment, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-5d4f8 from 0 to 3');
 * await recorder.flush(); // tests: wait until written
 */
export class EventRecorder {
  private readonly sink: EventSink;
  private readonly correlator: EventCorrelator;
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  private lastNanos = 0n;

  constructor(
    target: ResourceCatalog | RestClient | EventSink,
    private readonly source: EventSource,
    private readonly clock: Clock = systemClock,
    private readonly log?: Logger,
  ) {
    this.sink = toEventSink(target);
    this.correlator = new EventCorrelator(clock);
  }

  /** Records an event about `obj` (an object with kind/apiVersion, or a reference). */
  event(obj: KubeObject | InvolvedObject, type: EventType, reason: string, message: string): void {
    if (this.queued >= maxQueued) {
      this.log?.warn({ reason, message }, 'event queue full; dropping event');
      return;
    }
    const event = this.makeEvent(referenceTo(obj), type, reason, message);
    this.queued++;
    this.tail = this.tail.then(() => this.write(event)).finally(() => this.queued--);
  }

  /** Resolves once every event recorded so far has been written (or given up on). */
  flush(): Promise<void> {
    return this.tail;
  }

  private uniqueNanos(): bigint {
    let n = BigInt(this.clock.now()) * 1_000_000n;
    if (n <= this.lastNanos) n = this.lastNanos + 1n;
    this.lastNanos = n;
    return n;
  }

  private makeEvent(ref: InvolvedObject, type: EventType, reason: string, message: string): KubeObject {
    const now = rfc3339(this.clock.now());
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${ref.name ?? ''}.${this.uniqueNanos().toString(16)}`, namespace: ref.namespace || 'default' },
      involvedObject: ref,
      reason,
      message,
      source: this.source.host ? { component: this.source.component, host: this.source.host } : { component: this.source.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
    };
  }

  private async write(event: KubeObject): Promise<void> {
    const c = this.correlator.correlate(event);
    if (c.action === 'drop') return;
    const ns = event.metadata.namespace!;
    for (let attempt = 1; ; attempt++) {
      try {
        if (c.action === 'bump') {
          try {
            const written = await this.sink.bump(ns, c.name, { count: c.count, lastTimestamp: String(event.lastTimestamp), message: String(c.event.message) });
            this.correlator.observe(c.key, written);
            return;
          } catch (err) {
            if (!(err instanceof ApiError && err.code === 404)) throw err;
            // Someone deleted the event (TTL, cleanup): start a new one.
            this.correlator.forget(c.key);
          }
        }
        const written = await this.sink.create(ns, c.event);
        this.correlator.observe(c.key, written);
        return;
      } catch (err) {
        const permanent = err instanceof ApiError && err.code < 500 && err.code !== 429;
        if (permanent || attempt >= writeAttempts) {
          this.log?.warn({ err, reason: event.reason, object: event.involvedObject }, 'could not write event');
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }
}
