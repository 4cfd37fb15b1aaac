import { ProtobufDecodeError } from './errors.js';
import { type Field, type Message, type ValueType, message, messageForKind } from './schema.js';
import { formatDuration, formatMicroTime, formatTime } from './time.js';
import { WireReader } from './wire.js';

type Reader = WireReader;
type Json = Record<string, unknown>;

/** The 4 bytes that start every protobuf-encoded Kubernetes object. */
export const MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);
const MAX_DEPTH = 64;

export function hasMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x6b && bytes[1] === 0x38 && bytes[2] === 0x73 && bytes[3] === 0x00;
}

/** Decodes `k8s\0` + runtime.Unknown into Go's JSON form of the object it carries. */
export function decodeEnvelope(bytes: Uint8Array, depth = 0): Json {
  if (!hasMagic(bytes)) throw new ProtobufDecodeError('not a Kubernetes protobuf object: missing the k8s\\0 prefix');
  const r = new WireReader(bytes, 4);
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array | undefined;
  let encoding = '';
  while (!r.done()) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a: {
        const end = lengthEnd(r);
        while (r.pos < end) {
          const t = r.uint32();
          if (t === 0x0a) apiVersion = r.string();
          else if (t === 0x12) kind = r.string();
          else r.skip(t & 7);
        }
        if (r.pos !== end) throw new ProtobufDecodeError('malformed protobuf envelope');
        break;
      }
      case 0x12: raw = r.bytes(); break;
      case 0x1a: encoding = r.string(); break;
      default: r.skip(tag & 7);
    }
  }
  if (!kind) throw new ProtobufDecodeError('protobuf envelope has no kind');
  if (encoding) throw new ProtobufDecodeError(`unsupported protobuf content encoding ${JSON.stringify(encoding)}`);
  const name = messageForKind(apiVersion, kind);
  if (!name) throw new ProtobufDecodeError(`no protobuf schema for ${apiVersion} ${kind}`);
  const body = raw ?? new Uint8Array(0);
  const obj = decodeMessage(name, new WireReader(body), body.length, depth);
  return { kind, ...(apiVersion ? { apiVersion } : {}), ...obj };
}

/** Decodes one message (from r.pos to end) into Go's JSON rendering of it. */
export function decodeMessage(name: string, r: Reader, end: number, depth: number): Json {
  if (depth > MAX_DEPTH) throw new ProtobufDecodeError(`protobuf message nested deeper than ${MAX_DEPTH}`);
  const msg = message(name);
  const values: unknown[] = new Array(msg.fields.length);
  while (r.pos < end) {
    const tag = r.uint32();
    const wire = tag & 7;
    const f = msg.byNumber[tag >>> 3];
    if (!f) {
      r.skip(wire);
      continue;
    }
    if (f.map) {
      const entries = (values[f.index] as Json | undefined) ?? {};
      expectWire(msg, f, wire, 2);
      const [k, v] = readMapEntry(msg, f, r, depth);
      entries[k] = v;
      values[f.index] = entries;
    } else if (f.repeated) {
      const items = (values[f.index] as unknown[] | undefined) ?? [];
      if (wire === 2 && f.value.kind === 'scalar' && packable(f.value.name)) {
        const stop = lengthEnd(r);
        while (r.pos < stop) items.push(readValue(msg, f, f.value, r, wireOf(f.value), depth));
      } else {
        items.push(readValue(msg, f, f.value, r, wire, depth));
      }
      values[f.index] = items;
    } else {
      values[f.index] = readValue(msg, f, f.value, r, wire, depth);
    }
  }
  if (r.pos !== end) throw new ProtobufDecodeError(`truncated protobuf message ${name}`);
  return render(msg, values);
}

/** Lays out decoded values the way Go's encoding/json would print the Go struct. */
function render(msg: Message, values: readonly unknown[]): Json {
  const out: Json = {};
  for (const f of msg.fields) {
    const v = values[f.index];
    if (f.inline) {
      Object.assign(out, v ?? zeroValue(f.value));
    } else if (f.repeated || f.map || f.value.kind === 'list' || isBytes(f.value)) {
      // Go slices and maps: nil when absent (null unless omitempty), omitted when empty with omitempty.
      if (v === undefined) {
        if (!f.omitempty) out[f.json] = null;
      } else if (!(f.omitempty && isEmptyCollection(v))) {
        out[f.json] = v;
      }
    } else if (f.pointer) {
      if (v !== undefined) out[f.json] = v;
      else if (!f.omitempty) out[f.json] = null;
    } else if (f.value.kind === 'scalar') {
      const val = v ?? zeroValue(f.value);
      if (!(f.omitempty && (val === '' || val === 0 || val === false))) out[f.json] = val;
    } else {
      // Go never omits a struct, omitempty or not.
      out[f.json] = v ?? zeroValue(f.value);
    }
  }
  return out;
}

function isEmptyCollection(v: unknown): boolean {
  if (typeof v === 'string') return v === '';
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

const isBytes = (t: ValueType) => t.kind === 'scalar' && t.name === 'bytes';

/** What Go's JSON encoder prints for the zero value of a type. */
function zeroValue(t: ValueType): unknown {
  switch (t.kind) {
    case 'scalar':
      if (t.name === 'string') return '';
      if (t.name === 'bool') return false;
      return t.name === 'bytes' ? null : 0;
    case 'message':
      return render(message(t.name), []);
    case 'list':
      return null;
    case 'special':
      switch (t.name) {
        case 'Duration': return '0s';
        case 'Quantity': return '0';
        case 'IntOrString': return 0;
        default: return null;
      }
  }
}

const packable = (name: string) => name !== 'string' && name !== 'bytes';
function wireOf(t: ValueType): number {
  if (t.kind !== 'scalar') return 2;
  switch (t.name) {
    case 'double': return 1;
    case 'float': return 5;
    case 'string': case 'bytes': return 2;
    default: return 0;
  }
}

function expectWire(msg: Message, f: Field, got: number, want: number): void {
  if (got !== want) {
    throw new ProtobufDecodeError(`${msg.name}.${f.json || f.num}: wire type ${got}, expected ${want}`);
  }
}


function readValue(msg: Message, f: Field, t: ValueType, r: Reader, wire: number, depth: number): unknown {
  expectWire(msg, f, wire, wireOf(t));
  switch (t.kind) {
    case 'scalar':
      switch (t.name) {
        case 'string': return r.string();
        case 'bytes': {
          const b = r.bytes();
          return Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64');
        }
        case 'bool': return r.bool();
        case 'int32': return r.int32();
        case 'uint32': return r.uint32();
        case 'int64': return r.int64();
        case 'uint64': return r.int64();
        case 'double': return r.double();
        case 'float': return r.float();
      }
      break;
    case 'message':
      return decodeMessage(t.name, r, lengthEnd(r), depth + 1);
    case 'list': {
      const end = lengthEnd(r);
      const items: string[] = [];
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag === 0x0a) items.push(r.string());
        else r.skip(tag & 7);
      }
      return items;
    }
    case 'special':
      return readSpecial(t.name, r.bytes(), depth);
  }
  throw new ProtobufDecodeError(`${msg.name}.${f.json}: unsupported type`);
}

/** Reads a length prefix and returns where that field ends. */
function lengthEnd(r: Reader): number {
  const end = r.uint32() + r.pos;
  if (end > r.end) throw new ProtobufDecodeError('truncated protobuf data');
  return end;
}

function readMapEntry(msg: Message, f: Field, r: Reader, depth: number): [string, unknown] {
  const end = lengthEnd(r);
  let key = '';
  let value: unknown;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) key = r.string();
    else if (tag >>> 3 === 2) value = readValue(msg, f, f.value, r, tag & 7, depth);
    else r.skip(tag & 7);
  }
  return [key, value === undefined ? zeroValue(f.value) : value];
}

/** Reads the fields of a small fixed message into number -> last value (varints and bytes only). */
function readSmall(bytes: Uint8Array): Map<number, number | Uint8Array> {
  const r = new WireReader(bytes);
  const out = new Map<number, number | Uint8Array>();
  while (!r.done()) {
    const tag = r.uint32();
    const wire = tag & 7;
    if (wire === 0) out.set(tag >>> 3, r.int64());
    else if (wire === 2) out.set(tag >>> 3, r.bytes());
    else r.skip(wire);
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const num = (v: number | Uint8Array | undefined) => (typeof v === 'number' ? v : 0);
const text = (v: number | Uint8Array | undefined) => (v instanceof Uint8Array ? utf8.decode(v) : '');

function readSpecial(name: string, bytes: Uint8Array, depth: number): unknown {
  const f = readSmall(bytes);
  switch (name) {
    case 'Time':
      // Go keeps only the seconds of a metav1.Time read from protobuf.
      return bytes.length === 0 ? null : formatTime(num(f.get(1)));
    case 'MicroTime':
      return bytes.length === 0 ? null : formatMicroTime({ seconds: num(f.get(1)), nanos: num(f.get(2)) });
    case 'Duration':
      return formatDuration(num(f.get(1)));
    case 'Quantity':
      return text(f.get(1)) || '0';
    case 'IntOrString':
      return num(f.get(1)) === 1 ? text(f.get(3)) : (num(f.get(2)) | 0);
    case 'RawExtension':
    case 'FieldsV1':
      return rawJson(f.get(1), depth);
  }
  throw new ProtobufDecodeError(`unsupported special type ${name}`);
}

/** RawExtension bytes hold JSON, or a nested protobuf object (watch events, List items). */
function rawJson(v: number | Uint8Array | undefined, depth: number): unknown {
  if (!(v instanceof Uint8Array) || v.length === 0) return null;
  if (hasMagic(v)) return decodeEnvelope(v, depth + 1);
  try {
    return JSON.parse(utf8.decode(v));
  } catch (cause) {
    throw new ProtobufDecodeError('embedded object is neither JSON nor Kubernetes protobuf', { cause });
  }
}
