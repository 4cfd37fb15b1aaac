import { KINDS, LIST_WRAPPERS, MESSAGES, META_KINDS } from './schema.generated.js';

/** One field as stored in the generated table: [jsonName, fieldNumber, type, flags?]. */
export type FieldTuple = readonly [string, number, string, string?] | readonly [string, number, string];
export type MessageTable = Readonly<Record<string, readonly FieldTuple[]>>;
export type KindTable = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** Types whose JSON and protobuf forms are special-cased rather than derived from fields. */
export type SpecialType = 'Time' | 'MicroTime' | 'Duration' | 'Quantity' | 'IntOrString' | 'RawExtension' | 'FieldsV1';
export type ScalarType = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'double' | 'float';

const SPECIALS = new Set<string>(['Time', 'MicroTime', 'Duration', 'Quantity', 'IntOrString', 'RawExtension', 'FieldsV1']);
const SCALARS = new Set<string>(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float']);

/** What a field holds once the Go wrapper (pointer, slice, map) is peeled off. */
export type ValueType =
  | { readonly kind: 'scalar'; readonly name: ScalarType }
  | { readonly kind: 'special'; readonly name: SpecialType }
  | { readonly kind: 'message'; readonly name: string }
  /** A named Go slice (ExtraValue) sent as a message with one repeated `items` field. */
  | { readonly kind: 'list'; readonly name: string; readonly item: ScalarType };

export interface Field {
  /** Position in Message.fields. */
  readonly index: number;
  readonly json: string;
  readonly num: number;
  readonly value: ValueType;
  /** Go pointer: present-or-nil, so a zero value still counts as set. */
  readonly pointer: boolean;
  readonly repeated: boolean;
  readonly map: boolean;
  readonly omitempty: boolean;
  /** Embedded Go struct whose JSON fields sit in the parent object. */
  readonly inline: boolean;
}

export interface Message {
  readonly name: string;
  /** Go declaration order: the order Go's JSON encoder writes keys in. */
  readonly fields: readonly Field[];
  /** Ascending field number: the order Go's protobuf marshaller writes fields in. */
  readonly byNumberOrder: readonly Field[];
  /** Field by number (a sparse array: field numbers are small). */
  readonly byNumber: readonly (Field | undefined)[];
}

const compiled = new Map<string, Message>();

function valueType(type: string): ValueType {
  if (SCALARS.has(type)) return { kind: 'scalar', name: type as ScalarType };
  if (SPECIALS.has(type)) return { kind: 'special', name: type as SpecialType };
  if (LIST_WRAPPERS.includes(type)) {
    const item = MESSAGES[type]?.[0]?.[2] ?? 'string';
    return { kind: 'list', name: type, item: item as ScalarType };
  }
  if (!(type in MESSAGES)) throw new Error(`protobuf schema: unknown type ${type}`);
  return { kind: 'message', name: type };
}

/** The compiled form of one message of the generated table. */
export function message(name: string): Message {
  let m = compiled.get(name);
  if (m) return m;
  const tuples = MESSAGES[name];
  if (!tuples) throw new Error(`protobuf schema: unknown message ${name}`);
  const fields = tuples.map(([json, num, type, flags = ''], index): Field => ({
    index,
    json,
    num,
    value: valueType(type),
    pointer: flags.includes('p'),
    repeated: flags.includes('r'),
    map: flags.includes('m'),
    omitempty: flags.includes('o'),
    inline: flags.includes('i'),
  }));
  m = {
    name,
    fields,
    byNumberOrder: [...fields].sort((a, b) => a.num - b.num),
    byNumber: fields.reduce<(Field | undefined)[]>((a, f) => ((a[f.num] = f), a), []),
  };
  compiled.set(name, m);
  return m;
}

/** The message that carries `kind` of `apiVersion`, or undefined when there is none. */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  return KINDS[apiVersion]?.[kind] ?? META_KINDS[kind];
}
