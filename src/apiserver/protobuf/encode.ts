import { MAGIC } from './decode.js';
import { ProtobufEncodeError } from './errors.js';
import { type Field, type ScalarType, type SpecialType, type ValueType, message, messageForKind } from './schema.js';
import { parseDuration, parseTimestamp } from './time.js';
import { WireWriter } from './wire.js';

type Writer = WireWriter;
type Json = Record<string, unknown>;

/** Messages whose RawExtension fields carry whole objects, which Go writes as nested protobuf. */
const EMBEDS_OBJECTS = new Set(['meta/v1.WatchEvent', 'meta/v1.List', 'core/v1.List']);

/** `k8s\0` + runtime.Unknown{typeMeta, raw, contentEncoding: "", contentType: ""}. */
export function encodeEnvelope(obj: Json): Uint8Array {
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !kind) {
    throw new ProtobufEncodeError('object needs string apiVersion and kind to be encoded as protobuf');
  }
  const name = messageForKind(apiVersion, kind);
  if (!name) throw new ProtobufEncodeError(`no protobuf schema for ${apiVersion} ${kind}`);
  const w = new WireWriter();
  w.uint32(0x0a).fork().uint32(0x0a).string(apiVersion).uint32(0x12).string(kind).ldelim();
  w.uint32(0x12).fork();
  try {
    encodeMessage(name, obj, w);
  } catch (err) {
    if (!(err instanceof FieldError)) throw err;
    throw new ProtobufEncodeError(`${formatPath(kind, err.path)}: ${err.message}`, { cause: err });
  }
  w.ldelim();
  w.uint32(0x1a).string('').uint32(0x22).string('');
  const body = w.finish();
  const out = new Uint8Array(MAGIC.length + body.length);
  out.set(MAGIC);
  out.set(body, MAGIC.length);
  return out;
}

/**
 * Writes the fields of `obj` as message `name`, the way Go's generated marshallers do after
 * json.Unmarshal: ascending field numbers, non-pointer scalars and structs always written
 * (zero when absent), pointers, slices and maps only when set, map keys sorted.
 */
export function encodeMessage(name: string, obj: Json, w: Writer): void {
  const msg = message(name);
  for (const f of msg.byNumberOrder) {
    try {
      writeField(f, obj, w, name);
    } catch (err) {
      throw withPath(err, f.json);
    }
  }
}

function writeField(f: Field, obj: Json, w: Writer, owner: string): void {
  if (f.inline) {
    w.tag(f.num, 2).fork();
    encodeMessage(messageName(f.value), obj, w);
    w.ldelim();
    return;
  }
  const v = obj[f.json] ?? undefined;
  if (f.map) {
    if (v !== undefined) writeMap(f, asObject(v), w, owner);
  } else if (f.repeated) {
    if (v === undefined) return;
    if (!Array.isArray(v)) throw new FieldError('expected an array');
    for (let i = 0; i < v.length; i++) {
      try {
        writeValue(f.num, f.value, v[i] ?? undefined, w, owner);
      } catch (err) {
        throw withPath(err, i);
      }
    }
  } else if (f.pointer || f.value.kind === 'list' || isBytes(f.value)) {
    if (v !== undefined) writeValue(f.num, f.value, v, w, owner);
  } else {
    writeValue(f.num, f.value, v, w, owner);
  }
}

/** A bad value somewhere below the field being written; the path is filled in on the way up. */
class FieldError extends Error {
  readonly path: (string | number)[] = [];
}

function withPath(err: unknown, key: string | number): unknown {
  if (err instanceof FieldError && key !== '') err.path.unshift(key);
  return err;
}

function formatPath(root: string, path: readonly (string | number)[]): string {
  return path.reduce<string>((at, k) => (typeof k === 'number' ? `${at}[${k}]` : `${at}.${k}`), root);
}

const isBytes = (t: ValueType) => t.kind === 'scalar' && t.name === 'bytes';

function messageName(t: ValueType): string {
  if (t.kind !== 'message') throw new ProtobufEncodeError(`inline field of non-message type ${t.name}`);
  return t.name;
}

function asObject(v: unknown): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FieldError(`expected an object, got ${JSON.stringify(v)}`);
  return v as Json;
}

function writeMap(f: Field, entries: Json, w: Writer, owner: string): void {
  for (const key of Object.keys(entries).sort()) {
    const value = entries[key] ?? undefined;
    w.tag(f.num, 2).fork();
    w.tag(1, 2).string(key);
    // Go skips a nil []byte map value but writes every other value, zero or not.
    try {
      if (!(isBytes(f.value) && value === undefined)) writeValue(2, f.value, value, w, owner);
    } catch (err) {
      throw withPath(err, key);
    }
    w.ldelim();
  }
}

/** Writes one value with its tag; `undefined` means Go's zero value. */
function writeValue(num: number, t: ValueType, v: unknown, w: Writer, owner: string): void {
  switch (t.kind) {
    case 'scalar':
      writeScalar(num, t.name, v, w);
      return;
    case 'message':
      w.tag(num, 2).fork();
      encodeMessage(t.name, v === undefined ? {} : asObject(v), w);
      w.ldelim();
      return;
    case 'list': {
      w.tag(num, 2).fork();
      if (v !== undefined) {
        if (!Array.isArray(v)) throw new FieldError('expected an array');
        for (const item of v) writeScalar(1, t.item, item ?? undefined, w);
      }
      w.ldelim();
      return;
    }
    case 'special':
      w.tag(num, 2).fork();
      writeSpecial(t.name, v, w, EMBEDS_OBJECTS.has(owner));
      w.ldelim();
  }
}

function writeScalar(num: number, type: ScalarType, v: unknown, w: Writer): void {
  switch (type) {
    case 'string':
      w.tag(num, 2).string(expect(v ?? '', 'string') as string);
      return;
    case 'bytes':
      w.tag(num, 2).bytes(Buffer.from(expect(v ?? '', 'string') as string, 'base64'));
      return;
    case 'bool':
      w.tag(num, 0).bool(expect(v ?? false, 'boolean') as boolean);
      return;
    case 'double':
      w.tag(num, 1).double(expect(v ?? 0, 'number') as number);
      return;
    case 'float':
      w.tag(num, 5).float(expect(v ?? 0, 'number') as number);
      return;
  }
  const n = expect(v ?? 0, 'number') as number;
  if (!Number.isInteger(n)) throw new FieldError(`expected an integer, got ${n}`);
  w.tag(num, 0);
  if (type === 'int32') w.int32(n);
  else if (type === 'uint32') w.uint32(n);
  else w.int64(n);
}

function expect(v: unknown, type: 'string' | 'number' | 'boolean'): unknown {
  if (typeof v !== type || (type === 'number' && !Number.isFinite(v))) {
    throw new FieldError(`expected a ${type}, got ${JSON.stringify(v)}`);
  }
  return v;
}

const utf8 = new TextEncoder();

function writeSpecial(name: SpecialType, v: unknown, w: Writer, embedObjects: boolean): void {
  switch (name) {
    case 'Time':
    case 'MicroTime': {
      if (v === undefined) return; // Go's zero time is an empty message
      let ts;
      try {
        ts = parseTimestamp(expect(v, 'string') as string);
      } catch (cause) {
        throw new FieldError((cause as Error).message, { cause });
      }
      w.uint32(0x08).int64(ts.seconds).uint32(0x10).int32(ts.nanos);
      return;
    }
    case 'Duration': {
      let nanos = 0;
      try {
        nanos = v === undefined ? 0 : parseDuration(expect(v, 'string') as string);
      } catch (cause) {
        throw new FieldError((cause as Error).message, { cause });
      }
      w.uint32(0x08).int64(nanos);
      return;
    }
    case 'Quantity': {
      const q = v === undefined ? '0' : typeof v === 'number' ? String(v) : (expect(v, 'string') as string);
      w.uint32(0x0a).string(q);
      return;
    }
    case 'IntOrString': {
      const isString = typeof v === 'string';
      const n = isString ? 0 : (expect(v ?? 0, 'number') as number);
      w.uint32(0x08).int64(isString ? 1 : 0).uint32(0x10).int32(n).uint32(0x1a).string(isString ? v : '');
      return;
    }
    case 'RawExtension':
    case 'FieldsV1':
      if (v !== undefined) w.uint32(0x0a).bytes(rawBytes(v, embedObjects));
  }
}

function rawBytes(v: unknown, embedObjects: boolean): Uint8Array {
  if (embedObjects && typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const { apiVersion, kind } = v as Json;
    if (typeof apiVersion === 'string' && typeof kind === 'string' && messageForKind(apiVersion, kind)) {
      return encodeEnvelope(v as Json);
    }
  }
  return utf8.encode(JSON.stringify(v));
}
