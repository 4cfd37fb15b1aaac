import type { ResourceDefinition } from '../registry/resource.js';
import { OPENAPI_INFO, pathsAndSchemas } from './document-v3.js';
import type { MediaContent, Operation, Parameter, PathItem } from './operations.js';
import type { SchemaRegistry } from './schema-registry.js';
import { V2_REF_PREFIX, V3_REF_PREFIX, type Schema, type SchemaMap } from './schema-types.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A Swagger 2.0 parameter: query/path ones carry their type inline, the body one a schema. */
interface V2Parameter {
  name: string;
  in: 'path' | 'query' | 'body';
  description?: string;
  required?: boolean;
  type?: string;
  uniqueItems?: boolean;
  schema?: Json;
}

/** Rewrites v3 `$ref`s to `#/definitions/…` and the v3-only `oneOf` into Swagger's closest form. */
function toV2Schema(value: unknown): Json {
  if (Array.isArray(value)) return value.map(toV2Schema);
  if (value === null || typeof value !== 'object') return value as Json;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith(V3_REF_PREFIX)) out[k] = V2_REF_PREFIX + v.slice(V3_REF_PREFIX.length);
    else if (k === 'oneOf') continue;
    else out[k] = toV2Schema(v);
  }
  // Quantity and IntOrString are strings in Swagger 2.0 (int-or-string keeps its format).
  if (Array.isArray((value as Schema).oneOf) && out.type === undefined) out.type = 'string';
  return out;
}

function toV2Parameter(p: Parameter): V2Parameter {
  const out: V2Parameter = { name: p.name, in: p.in, ...(p.description ? { description: p.description } : {}) };
  if (p.required) out.required = true;
  if (p.schema.type) out.type = p.schema.type;
  if (p.schema.uniqueItems) out.uniqueItems = true;
  return out;
}

function firstSchema(content: MediaContent | undefined): Json | undefined {
  const first = content ? Object.values(content)[0] : undefined;
  return first ? toV2Schema(first.schema) : undefined;
}

function toV2Operation(op: Operation): Record<string, Json> {
  const params: V2Parameter[] = (op.parameters ?? []).map(toV2Parameter);
  const body = firstSchema(op.requestBody?.content);
  if (body !== undefined) params.unshift({ name: 'body', in: 'body', required: op.requestBody?.required ?? false, schema: body });
  const responses: Record<string, Json> = {};
  for (const [code, r] of Object.entries(op.responses)) {
    const schema = firstSchema(r.content);
    responses[code] = schema === undefined ? { description: r.description } : { description: r.description, schema };
  }
  const out: Record<string, Json> = {
    description: op.description,
    consumes: op.requestBody ? Object.keys(op.requestBody.content) : ['*/*'],
    produces: Object.keys(Object.values(op.responses)[0]?.content ?? { 'application/json': 0 }),
    schemes: ['https'],
    tags: op.tags,
    operationId: op.operationId,
    responses,
    'x-kubernetes-action': op['x-kubernetes-action'],
    'x-kubernetes-group-version-kind': { ...op['x-kubernetes-group-version-kind'] },
  };
  if (params.length) out.parameters = params as unknown as Json;
  return out;
}

function toV2Path(item: PathItem): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
    const op = item[method];
    if (op) out[method] = toV2Operation(op);
  }
  if (item.parameters?.length) out.parameters = item.parameters.map(toV2Parameter) as unknown as Json;
  return out;
}

/**
 * The Swagger 2.0 document `/openapi/v2` serves as JSON: every served resource's operations and
 * the definitions they reach, built from the same data as the v3 documents.
 *
 * @example buildV2Document(catalog.all().map((s) => s.def), registry).definitions['io.k8s.api.core.v1.Pod']
 */
export function buildV2Document(defs: readonly ResourceDefinition[], registry: SchemaRegistry): { swagger: '2.0'; info: typeof OPENAPI_INFO; paths: Record<string, Json>; definitions: Record<string, Json> } {
  const { paths, schemas } = pathsAndSchemas(defs, registry);
  const definitions: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(schemas as SchemaMap)) definitions[name] = toV2Schema(schema);
  return {
    swagger: '2.0',
    info: OPENAPI_INFO,
    paths: Object.fromEntries(Object.entries(paths).map(([p, item]) => [p, toV2Path(item)])),
    definitions,
  };
}
