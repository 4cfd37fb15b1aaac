import { KINDS, LIST_WRAPPERS, MESSAGES, META_KINDS } from '../protobuf/schema.generated.js';
import { message, type Field, type ScalarType, type SpecialType, type ValueType } from '../protobuf/schema.js';
import { fieldSchema as patchMetadata } from '../patch/patch-strategies.js';
import { definitionName, parseApiVersion, SPECIAL_DEFINITIONS } from './definition-names.js';
import { isRequired } from './required-fields.js';
import { ATOMIC_STRUCTS, FIELD_DEFAULTS } from './schema-extensions.js';
import { descriptionsFor } from './descriptions/index.js';
import { refTo, type GroupVersionKind, type Schema, type SchemaMap } from './schema-types.js';

const SCALARS: Readonly<Record<ScalarType, Schema>> = {
  string: { type: 'string' },
  bytes: { type: 'string', format: 'byte' },
  bool: { type: 'boolean' },
  int32: { type: 'integer', format: 'int32' },
  int64: { type: 'integer', format: 'int64' },
  uint32: { type: 'integer', format: 'int32' },
  uint64: { type: 'integer', format: 'int64' },
  double: { type: 'number', format: 'double' },
  float: { type: 'number', format: 'float' },
};

/**
 * The hand-written types. Quantity and IntOrString have no `type`, only `oneOf`, as the real
 * v3 documents do: that is what makes `kubectl explain` print `<Quantity>` / `<IntOrString>`
 * instead of `<string>`.
 */
const SPECIALS: Readonly<Record<SpecialType, Schema>> = {
  Time: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form, to the second.' },
  MicroTime: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form, to the microsecond.' },
  Duration: { type: 'string', description: 'A duration such as "1h30m".' },
  Quantity: { oneOf: [{ type: 'string' }, { type: 'number' }], description: 'A fixed-point number with an optional suffix, such as "500m", "1Gi" or "2".' },
  IntOrString: {
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
    description: 'Either an integer or a string, such as 8080, "http" or "25%".',
  },
  // Marked free-form so the unknown-field walker treats them as custom resources' schemas do.
  RawExtension: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, description: 'An embedded object of any kind.' },
  FieldsV1: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, description: 'The set of fields a manager owns, in the fieldsV1 format.' },
};

/** Types served as top-level kinds carry `apiVersion` and `kind` (Go's embedded TypeMeta). */
const TYPE_META_MESSAGES = new Set<string>([...Object.values(KINDS).flatMap((k) => Object.values(k)), ...Object.values(META_KINDS)]);

function gvkIndex(): Map<string, GroupVersionKind[]> {
  const out = new Map<string, GroupVersionKind[]>();
  const add = (msg: string, gvk: GroupVersionKind) => {
    const list = out.get(msg) ?? [];
    list.push(gvk);
    out.set(msg, list);
  };
  for (const [apiVersion, kinds] of Object.entries(KINDS)) {
    const gv = parseApiVersion(apiVersion);
    for (const [kind, msg] of Object.entries(kinds)) add(msg, { ...gv, kind });
  }
  for (const [kind, msg] of Object.entries(META_KINDS)) add(msg, { group: '', version: 'v1', kind });
  return out;
}

function valueSchema(v: ValueType): Schema {
  switch (v.kind) {
    case 'scalar':
      return { ...SCALARS[v.name] };
    case 'special':
      return refTo(SPECIAL_DEFINITIONS[v.name]!);
    case 'message':
      return refTo(definitionName(v.name));
    case 'list':
      // Named Go slices (ExtraValue) are plain arrays in JSON.
      return { type: 'array', items: { ...SCALARS[v.item] } };
  }
}

/** One property: its value, wrapped for lists and maps, with the field's patch strategy. */
function propertySchema(field: Field, ownerDefinition: string): Schema {
  const item = valueSchema(field.value);
  let schema: Schema = field.map ? { type: 'object', additionalProperties: item } : field.repeated ? { type: 'array', items: item } : item;
  const patch = patchMetadata(ownerDefinition, field.json);
  if (patch?.strategy) {
    schema = { ...schema, 'x-kubernetes-patch-strategy': patch.strategy };
    if (patch.mergeKey) schema['x-kubernetes-patch-merge-key'] = patch.mergeKey;
    // A list merged by key is a map for server-side apply; merged plain values are a set.
    if (field.repeated && patch.strategy.includes('merge')) {
      if (patch.mergeKey) {
        schema['x-kubernetes-list-type'] = 'map';
        schema['x-kubernetes-list-map-keys'] = [...(patch.listMapKeys ?? [patch.mergeKey])];
      } else schema['x-kubernetes-list-type'] = 'set';
    }
  }
  return schema;
}

/** Adds a message's fields to `properties`/`required`, flattening inline (embedded) structs. */
function collectFields(msgName: string, ownerDefinition: string, properties: Record<string, Schema>, required: string[]): void {
  for (const field of message(msgName).fields) {
    if (field.inline && field.value.kind === 'message') {
      collectFields(field.value.name, ownerDefinition, properties, required);
      continue;
    }
    properties[field.json] = propertySchema(field, ownerDefinition);
    if (isRequired(msgName, field)) required.push(field.json);
  }
}

function sortedObject<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function messageSchema(msgName: string, gvks: GroupVersionKind[] | undefined): Schema {
  const name = definitionName(msgName);
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  if (TYPE_META_MESSAGES.has(msgName)) {
    properties.apiVersion = { type: 'string', description: 'The versioned schema of this object, e.g. "apps/v1".' };
    properties.kind = { type: 'string', description: 'The kind of this object, e.g. "Deployment".' };
  }
  collectFields(msgName, name, properties, required);
  for (const [field, value] of Object.entries(FIELD_DEFAULTS[name] ?? {})) {
    if (properties[field]) properties[field] = { ...properties[field], default: value };
  }
  const text = descriptionsFor(name, gvks?.[0]?.kind);
  for (const [field, description] of Object.entries(text)) {
    const prop = properties[field];
    // A description beside a `$ref` is ignored by OpenAPI 3: wrap the reference, as Kubernetes does.
    if (!prop) continue;
    const { $ref, ...extensions } = prop;
    properties[field] = $ref ? { ...extensions, allOf: [{ $ref }], description } : { ...prop, description };
  }
  const schema: Schema = { type: 'object', properties: sortedObject(properties) };
  if (text['']) schema.description = text[''];
  if (ATOMIC_STRUCTS.has(name)) schema['x-kubernetes-map-type'] = 'atomic';
  if (required.length) schema.required = required;
  if (gvks) schema['x-kubernetes-group-version-kind'] = gvks;
  return schema;
}

/**
 * Every built-in type as an OpenAPI schema, keyed by Kubernetes' definition name, built from
 * the protobuf type table and the strategic-merge-patch metadata. Top-level kinds carry
 * `x-kubernetes-group-version-kind`; merge-keyed lists carry `x-kubernetes-patch-*` and
 * `x-kubernetes-list-*`.
 *
 * @example builtinComponentSchemas()['io.k8s.api.core.v1.PodSpec'].properties.containers
 * // { type: 'array', items: { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' },
 * //   'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name', … }
 */
export function builtinComponentSchemas(): SchemaMap {
  const gvks = gvkIndex();
  const out: SchemaMap = {};
  for (const [special, name] of Object.entries(SPECIAL_DEFINITIONS)) out[name] = structuredClone(SPECIALS[special as SpecialType]);
  for (const msgName of Object.keys(MESSAGES)) {
    if (LIST_WRAPPERS.includes(msgName)) continue;
    out[definitionName(msgName)] = messageSchema(msgName, gvks.get(msgName));
  }
  // The request body of every PATCH operation: its form depends on the Content-Type.
  out['io.k8s.apimachinery.pkg.apis.meta.v1.Patch'] = {
    type: 'object',
    description: 'A patch document: JSON patch, JSON merge patch, strategic merge patch or an apply configuration, by Content-Type.',
  };
  return sortedObject(out);
}
