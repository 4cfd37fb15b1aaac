#!/usr/bin/env node
// Generates src/apiserver/protobuf/schema.generated.ts, the wire schema of the
// Kubernetes built-in kinds that k8ts can speak as application/vnd.kubernetes.protobuf.
//
// Usage: node scripts/gen-protobuf-schema.mjs [path/to/kubectl-1.33-binary]
//
// Source of truth: the Go API structs compiled into a kubectl binary. Every
// k8s.io/api struct carries tags such as
//   json:"replicas,omitempty" protobuf:"varint,1,opt,name=replicas"
// which are what go-to-protobuf turns into generated.proto, so the field numbers
// here equal those of generated.proto. The Go runtime type data (kept even in a
// stripped binary because reflection needs it) also says what a .proto file cannot:
// which fields are pointers and which are omitempty, i.e. how Go's JSON encoder
// renders an object decoded from protobuf. We read that data directly from the
// ELF file: .typelink lists type offsets, and we walk types from there.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const OUT = new URL('../src/apiserver/protobuf/schema.generated.ts', import.meta.url);
const binary = process.argv[2] ?? findKubectl();

/** Packages whose top-level kinds get a schema, with the apiVersion they are served as. */
const GROUPS = {
  'k8s.io/api/core/v1': 'v1',
  'k8s.io/api/apps/v1': 'apps/v1',
  'k8s.io/api/batch/v1': 'batch/v1',
  'k8s.io/api/networking/v1': 'networking.k8s.io/v1',
  'k8s.io/api/rbac/v1': 'rbac.authorization.k8s.io/v1',
  'k8s.io/api/storage/v1': 'storage.k8s.io/v1',
  'k8s.io/api/coordination/v1': 'coordination.k8s.io/v1',
  'k8s.io/api/discovery/v1': 'discovery.k8s.io/v1',
  'k8s.io/api/events/v1': 'events.k8s.io/v1',
  'k8s.io/api/policy/v1': 'policy/v1',
  'k8s.io/api/autoscaling/v1': 'autoscaling/v1',
  'k8s.io/api/autoscaling/v2': 'autoscaling/v2',
  'k8s.io/api/scheduling/v1': 'scheduling.k8s.io/v1',
  'k8s.io/api/authentication/v1': 'authentication.k8s.io/v1',
  'k8s.io/api/authorization/v1': 'authorization.k8s.io/v1',
};
const META = 'k8s.io/apimachinery/pkg/apis/meta/v1';
/** meta/v1 kinds that every group version serves. */
const META_KINDS = ['Status', 'List', 'DeleteOptions', 'WatchEvent', 'PartialObjectMetadata', 'PartialObjectMetadataList'];
/** Go types with their own JSON and protobuf marshalling, handled by hand in the codec. */
const SPECIAL = {
  [`${META}#Time`]: 'Time',
  [`${META}#MicroTime`]: 'MicroTime',
  [`${META}#Duration`]: 'Duration',
  [`${META}#FieldsV1`]: 'FieldsV1',
  'k8s.io/apimachinery/pkg/api/resource#Quantity': 'Quantity',
  'k8s.io/apimachinery/pkg/util/intstr#IntOrString': 'IntOrString',
  'k8s.io/apimachinery/pkg/runtime#RawExtension': 'RawExtension',
};

function findKubectl() {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/lib/google-cloud-sdk/bin')) {
    if (dir && existsSync(`${dir}/kubectl.1.33`)) return `${dir}/kubectl.1.33`;
  }
  throw new Error('kubectl.1.33 not found; pass the path of a kubectl binary');
}

// ---- ELF + Go runtime type reader (amd64, Go 1.22–1.24 layout) ----
const buf = readFileSync(binary);
const sections = readSections(buf);
const section = (n) => {
  const s = sections.find((x) => x.name === n);
  if (!s) throw new Error(`no ${n} section in ${binary}`);
  return s;
};
const typesBase = section('.rodata').addr;
const typelinks = section('.typelink');

function readSections(b) {
  const shoff = Number(b.readBigUInt64LE(0x28));
  const size = b.readUInt16LE(0x3a), count = b.readUInt16LE(0x3c), strndx = b.readUInt16LE(0x3e);
  const list = [];
  for (let i = 0; i < count; i++) {
    const o = shoff + i * size;
    list.push({
      nameOff: b.readUInt32LE(o),
      addr: Number(b.readBigUInt64LE(o + 0x10)),
      off: Number(b.readBigUInt64LE(o + 0x18)),
      size: Number(b.readBigUInt64LE(o + 0x20)),
    });
  }
  const names = list[strndx];
  for (const s of list) {
    let e = names.off + s.nameOff;
    let n = '';
    while (b[e]) n += String.fromCharCode(b[e++]);
    s.name = n;
  }
  return list;
}

function fileOffset(addr) {
  for (const s of sections) if (s.addr && addr >= s.addr && addr < s.addr + s.size) return addr - s.addr + s.off;
  throw new Error(`address 0x${addr.toString(16)} is outside every section`);
}
const u64 = (addr) => Number(buf.readBigUInt64LE(fileOffset(addr)));
const i32 = (addr) => buf.readInt32LE(fileOffset(addr));
const u8 = (addr) => buf[fileOffset(addr)];

function varint(o) {
  let v = 0, shift = 0, b;
  do { b = buf[o++]; v |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
  return [v, o];
}
/** A Go runtime `name`: flags byte, varint length, bytes, then optionally a tag. */
function goName(addr) {
  const o = fileOffset(addr);
  const flags = buf[o];
  const [len, p] = varint(o + 1);
  const name = buf.toString('latin1', p, p + len);
  let tag = '';
  if (flags & 2) {
    const [tlen, q] = varint(p + len);
    tag = buf.toString('latin1', q, q + tlen);
  }
  return { name, tag, embedded: (flags & 8) !== 0 };
}

const K = { Bool: 1, Int32: 5, Int64: 6, Uint8: 8, Uint32: 10, Uint64: 11, Float32: 13, Float64: 14, Map: 21, Ptr: 22, Slice: 23, String: 24, Struct: 25 };
const kindOf = (t) => u8(t + 23) & 0x1f;
const tflag = (t) => u8(t + 20);
function typeString(t) {
  const s = goName(typesBase + i32(t + 40)).name;
  return tflag(t) & 2 ? s.slice(1) : s;
}
/** Byte offset of the uncommon-type block, which follows the kind-specific part. */
const UNCOMMON = { [K.Struct]: 80, [K.Ptr]: 56, [K.Slice]: 56, [K.String]: 48, [K.Bool]: 48, [K.Int32]: 48, [K.Int64]: 48 };
function pkgPath(t) {
  if (!(tflag(t) & 1)) return '';
  const at = UNCOMMON[kindOf(t)];
  if (at === undefined) return '';
  const off = i32(t + at);
  return off ? goName(typesBase + off).name : '';
}
/** "pkg/path#Name" for named types, '' otherwise. */
function typeKey(t) {
  if (!(tflag(t) & 4)) return '';
  return `${pkgPath(t)}#${typeString(t).replace(/^[^.]*\./, '')}`;
}
function structFields(t) {
  const p = u64(t + 56), n = u64(t + 64);
  const out = [];
  for (let j = 0; j < n; j++) {
    const f = goName(u64(p + j * 24));
    out.push({ ...f, type: u64(p + j * 24 + 8) });
  }
  return out;
}

function collectNamedTypes() {
  const seen = new Set();
  const stack = [];
  for (let i = 0; i < typelinks.size; i += 4) stack.push(typesBase + buf.readInt32LE(typelinks.off + i));
  const named = new Map();
  while (stack.length) {
    const t = stack.pop();
    if (!t || seen.has(t)) continue;
    seen.add(t);
    const k = kindOf(t);
    const ptrTo = i32(t + 44);
    if (ptrTo) stack.push(typesBase + ptrTo);
    const key = typeKey(t);
    if (key && k === K.Struct) named.set(key, t);
    if (k === K.Ptr || k === K.Slice || k === 17) stack.push(u64(t + 48));
    else if (k === K.Map) stack.push(u64(t + 48), u64(t + 56));
    else if (k === K.Struct) for (const f of structFields(t)) stack.push(f.type);
  }
  return named;
}

// ---- schema construction ----
const named = collectNamedTypes();
/** Short message name: "k8s.io/api/core/v1#Pod" -> "core/v1.Pod". */
function messageName(key) {
  const [pkg, name] = key.split('#');
  const short = pkg === META ? 'meta/v1' : pkg.replace(/^k8s\.io\/api\//, '').replace(/^k8s\.io\/apimachinery\/pkg\//, '');
  return `${short}.${name}`;
}

const messages = {};
const listWrappers = [];
const queue = [];
function want(key) {
  const name = messageName(key);
  if (!(name in messages)) {
    messages[name] = null;
    queue.push(key);
  }
  return name;
}

function scalarName(t, wire) {
  switch (kindOf(t)) {
    case K.String: return 'string';
    case K.Bool: return 'bool';
    case K.Int32: return 'int32';
    case K.Int64: return 'int64';
    case K.Uint32: return 'uint32';
    case K.Uint64: return 'uint64';
    case K.Float64: return 'double';
    case K.Float32: return 'float';
    default: throw new Error(`unsupported scalar ${typeString(t)} (${wire})`);
  }
}

/** Resolves a Go field type (after pointer/slice/map unwrapping) to a schema type name. */
function elementType(t, wire) {
  const key = typeKey(t);
  if (SPECIAL[key]) return SPECIAL[key];
  const k = kindOf(t);
  if (k === K.Struct) return want(key);
  if (k === K.Slice && kindOf(u64(t + 48)) === K.Uint8) return 'bytes';
  if (k === K.Slice && key) {
    // A named []string such as authentication/v1 ExtraValue: a message {repeated string items = 1}
    // on the wire, a bare array in JSON.
    const name = messageName(key);
    if (!(name in messages)) {
      messages[name] = [['items', 1, scalarName(u64(t + 48), wire), 'r']];
      listWrappers.push(name);
    }
    return name;
  }
  return scalarName(t, wire);
}

function parseTag(tag, key) {
  const m = new RegExp(`(?:^| )${key}:"([^"]*)"`).exec(tag);
  return m ? m[1] : undefined;
}

function buildMessage(key) {
  const t = named.get(key);
  if (!t) throw new Error(`type ${key} is not in ${binary}`);
  const fields = [];
  for (const f of structFields(t)) {
    const json = parseTag(f.tag, 'json');
    const pb = parseTag(f.tag, 'protobuf');
    if (json === '-') continue;
    if (!pb) {
      if (f.embedded && typeKey(f.type) === `${META}#TypeMeta`) continue; // carried by the envelope
      throw new Error(`${key}.${f.name} has no protobuf tag: ${f.tag}`);
    }
    const [wire, num] = pb.split(',');
    const [jsonName = '', ...opts] = (json ?? '').split(',');
    let flags = '';
    let ft = f.type;
    if (kindOf(ft) === K.Ptr) {
      flags += 'p';
      ft = u64(ft + 48);
    }
    let type;
    const fk = kindOf(ft);
    const fkey = typeKey(ft);
    if (fk === K.Map) {
      const keyType = u64(ft + 48);
      if (kindOf(keyType) !== K.String) throw new Error(`${key}.${f.name}: map key is not a string`);
      flags += 'm';
      type = elementType(u64(ft + 56), wire);
    } else if (fk === K.Slice && !fkey && kindOf(u64(ft + 48)) !== K.Uint8) {
      flags += 'r';
      const elem = u64(ft + 48);
      if (kindOf(elem) === K.Ptr || kindOf(elem) === K.Slice && kindOf(u64(elem + 48)) !== K.Uint8) {
        throw new Error(`${key}.${f.name}: unsupported slice element ${typeString(elem)}`);
      }
      type = elementType(elem, wire);
    } else {
      type = elementType(ft, wire);
    }
    if (opts.includes('omitempty')) flags += 'o';
    if (opts.includes('inline') || (f.embedded && jsonName === '')) {
      if (flags !== '') throw new Error(`${key}.${f.name}: inline field must be a plain struct`);
      flags += 'i';
    }
    const tuple = [jsonName, Number(num), type];
    if (flags) tuple.push(flags);
    fields.push(tuple);
  }
  return fields;
}

const kinds = {};
for (const [pkg, apiVersion] of Object.entries(GROUPS)) {
  const table = (kinds[apiVersion] = {});
  for (const [key, t] of [...named].sort(([a], [b]) => a.localeCompare(b))) {
    if (!key.startsWith(`${pkg}#`)) continue;
    const hasTypeMeta = structFields(t).some((f) => f.embedded && typeKey(f.type) === `${META}#TypeMeta`);
    if (hasTypeMeta) table[key.split('#')[1]] = want(key);
  }
}
const metaKinds = {};
for (const kind of META_KINDS) metaKinds[kind] = want(`${META}#${kind}`);

while (queue.length) {
  const key = queue.shift();
  messages[messageName(key)] = buildMessage(key);
}

const version = execFileSync(binary, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
const gitVersion = JSON.parse(version).clientVersion.gitVersion;
const sorted = Object.fromEntries(Object.entries(messages).sort(([a], [b]) => a.localeCompare(b)));
const lines = [
  '// Generated by scripts/gen-protobuf-schema.mjs from the API types compiled into kubectl ' + gitVersion + '.',
  '// Do not edit by hand. Tuple: [jsonName, fieldNumber, type, flags?]; flags: p pointer,',
  '// r repeated, m map<string, type>, o omitempty, i inline (JSON fields merged into the parent).',
  "import type { KindTable, MessageTable } from './schema.js';",
  '',
  'export const MESSAGES: MessageTable = {',
  ...Object.entries(sorted).map(([n, f]) => `  ${JSON.stringify(n)}: ${JSON.stringify(f)},`),
  '};',
  '',
  '/** Messages whose JSON form is the bare array held in their `items` field. */',
  `export const LIST_WRAPPERS: readonly string[] = ${JSON.stringify(listWrappers.sort())};`,
  '',
  '/** apiVersion -> kind -> message. */',
  'export const KINDS: KindTable = {',
  ...Object.entries(kinds).map(([v, t]) => `  ${JSON.stringify(v)}: ${JSON.stringify(t)},`),
  '};',
  '',
  '/** meta/v1 kinds served under every apiVersion. */',
  `export const META_KINDS: Readonly<Record<string, string>> = ${JSON.stringify(metaKinds)};`,
  '',
];
writeFileSync(OUT, lines.join('\n'));
console.log(`wrote ${Object.keys(messages).length} messages, ${Object.values(kinds).reduce((n, t) => n + Object.keys(t).length, 0)} kinds from ${gitVersion}`);
