/**
 * application/vnd.kubernetes.protobuf for Kubernetes built-in kinds.
 *
 * Decoding yields exactly the JSON a Go API server would print for the same object (the
 * generated schema records which Go fields are pointers and which are omitempty), so a
 * protobuf request body and the JSON body an older kubectl sends for the same command
 * decode to the same thing.
 */
import { decodeEnvelope, decodeMessage } from './decode.js';
import { encodeEnvelope } from './encode.js';
import { ProtobufDecodeError } from './errors.js';
import { messageForKind } from './schema.js';
import { WireReader, WireWriter } from './wire.js';

export { ProtobufDecodeError, ProtobufEncodeError } from './errors.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_WATCH_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf;stream=watch';

/**
 * Decodes a `k8s\0` envelope into a JSON object, `kind` and `apiVersion` first.
 * Throws ProtobufDecodeError on malformed input or a kind with no schema.
 *
 * @example
 * const ns = decodeObject(requestBody);
 * // { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'demo', creationTimestamp: null }, spec: {}, status: {} }
 */
export function decodeObject(body: Uint8Array): Record<string, unknown> {
  try {
    return decodeEnvelope(body);
  } catch (err) {
    if (err instanceof ProtobufDecodeError) throw err;
    throw new ProtobufDecodeError(`malformed protobuf body: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Encodes a JSON object (with `apiVersion` and `kind`) into the `k8s\0` envelope.
 * Throws ProtobufEncodeError when the kind has no schema or a value has the wrong JSON type;
 * the caller can then answer in JSON instead.
 *
 * @example
 * res.setHeader('Content-Type', PROTOBUF_MEDIA_TYPE);
 * res.end(encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } }));
 */
export function encodeObject(obj: Record<string, unknown>): Uint8Array {
  return encodeEnvelope(obj);
}

/**
 * True when `apiVersion`/`kind` (including `XxxList`, and meta/v1 kinds such as Status)
 * can be sent as protobuf.
 *
 * @example
 * hasProtobufSchema('apps/v1', 'DeploymentList'); // true
 * hasProtobufSchema('meta.k8s.io/v1', 'Table');    // false: answer in JSON
 */
export function hasProtobufSchema(apiVersion: string, kind: string): boolean {
  return messageForKind(apiVersion, kind) !== undefined;
}

/**
 * One frame of a protobuf watch stream: a 4-byte big-endian length, then a bare
 * meta/v1 WatchEvent{type, object: RawExtension{raw: <the object's k8s\0 envelope>}}.
 * (Go writes the event itself with its "raw" serializer: no magic, no runtime.Unknown.)
 *
 * @example
 * res.setHeader('Content-Type', PROTOBUF_WATCH_MEDIA_TYPE);
 * res.write(encodeWatchEvent('ADDED', pod));
 */
export function encodeWatchEvent(type: string, obj: Record<string, unknown>): Uint8Array {
  const object = encodeEnvelope(obj);
  const w = new WireWriter();
  w.tag(1, 2).string(type);
  w.tag(2, 2).fork().tag(1, 2).bytes(object).ldelim();
  const event = w.finish();
  const frame = new Uint8Array(4 + event.length);
  new DataView(frame.buffer).setUint32(0, event.length);
  frame.set(event, 4);
  return frame;
}

/**
 * Splits complete watch frames off the front of `buffer` and decodes them; returns the
 * events and how many bytes they used (the rest is an incomplete frame).
 *
 * @example
 * const { events, used } = decodeWatchEvents(chunk);
 * for (const e of events) console.log(e.type, e.object.metadata);
 */
export function decodeWatchEvents(buffer: Uint8Array): { events: { type: string; object: Record<string, unknown> }[]; used: number } {
  const events: { type: string; object: Record<string, unknown> }[] = [];
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let at = 0;
  while (at + 4 <= buffer.length) {
    const len = view.getUint32(at);
    if (at + 4 + len > buffer.length) break;
    const r = new WireReader(buffer, at + 4, at + 4 + len);
    try {
      const e = decodeMessage('meta/v1.WatchEvent', r, at + 4 + len, 0);
      events.push({ type: String(e.type), object: (e.object ?? {}) as Record<string, unknown> });
    } catch (err) {
      if (err instanceof ProtobufDecodeError) throw err;
      throw new ProtobufDecodeError(`malformed watch event: ${(err as Error).message}`, { cause: err });
    }
    at += 4 + len;
  }
  return { events, used: at };
}

