import type { ResourceDefinition } from '../registry/resource.js';
import { KUBERNETES_MAJOR, KUBERNETES_MINOR } from '../version.js';
import { resourcePaths, type PathItem } from './operations.js';
import { collectRefs, type SchemaRegistry } from './schema-registry.js';
import { refTo, type GroupVersionKind, type Schema, type SchemaMap } from './schema-types.js';

export interface OpenApiV3Document {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, PathItem>;
  components: { schemas: SchemaMap };
}

export const OPENAPI_INFO = { title: 'Kubernetes', version: `v${KUBERNETES_MAJOR}.${KUBERNETES_MINOR}.0` };

/**
 * The `/openapi/v3` key of a group-version.
 *
 * @example groupVersionPath('', 'v1') // 'api/v1'
 * @example groupVersionPath('apps', 'v1') // 'apis/apps/v1'
 */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/**
 * A copy with keys in code-unit order, as Go's JSON encoder writes maps (stable hashes).
 *
 * @example Object.keys(sortedRecord({ b: 1, a: 2 })) // ['a', 'b']
 */
export function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Definition name for a kind nobody described: reversed group, as custom resources are named. */
function placeholderName(gvk: GroupVersionKind): string {
  const pkg = gvk.group === '' ? 'io.k8s.api.core' : gvk.group.split('.').reverse().join('.');
  return `${pkg}.${gvk.version}.${gvk.kind}`;
}

/**
 * A schema that accepts anything, for a served kind without one: it still carries the kind,
 * so kubectl finds its PATCH operation (and sends fieldValidation=Strict) and `explain` names it.
 */
function placeholderSchema(gvk: GroupVersionKind): Schema {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: refTo('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'),
    },
    'x-kubernetes-preserve-unknown-fields': true,
    'x-kubernetes-group-version-kind': [gvk],
  };
}

/**
 * Paths of a set of resources plus the schemas they reach, taken from the registry, or a
 * placeholder for a kind the registry does not know.
 *
 * @example pathsAndSchemas([deploymentDef], registry).schemas['io.k8s.api.apps.v1.Deployment'] // the Deployment schema
 */
export function pathsAndSchemas(defs: readonly ResourceDefinition[], registry: SchemaRegistry): { paths: Record<string, PathItem>; schemas: SchemaMap } {
  const paths: Record<string, PathItem> = {};
  const placeholders: SchemaMap = {};
  const sorted = [...defs].sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
  for (const def of sorted) {
    const gvk = { group: def.group, version: def.version, kind: def.kind };
    let object = registry.nameFor(gvk);
    if (object === undefined) {
      object = placeholderName(gvk);
      placeholders[object] = placeholderSchema(gvk);
    }
    const list = registry.nameFor({ ...gvk, kind: `${def.kind}List` });
    const scale = def.scale ? registry.nameFor({ group: 'autoscaling', version: 'v1', kind: 'Scale' }) : undefined;
    Object.assign(paths, resourcePaths(def, { object, ...(list ? { list } : {}), ...(scale ? { scale } : {}) }));
  }
  const roots: string[] = [];
  collectRefs(paths, roots);
  collectRefs(placeholders, roots);
  const schemas = sortedRecord({ ...registry.closure(roots), ...placeholders });
  return { paths: sortedRecord(paths), schemas };
}

/**
 * The OpenAPI 3.0 document of one group-version, as `/openapi/v3/apis/<g>/<v>` serves it: the
 * resources' operations and every schema they reach, in a stable order (so its hash is stable).
 *
 * @example buildV3Document(catalog.resources('apps', 'v1').map((s) => s.def), registry)
 * // { openapi: '3.0.0', paths: { '/apis/apps/v1/namespaces/{namespace}/deployments': … }, components: { schemas: { 'io.k8s.api.apps.v1.Deployment': … } } }
 */
export function buildV3Document(defs: readonly ResourceDefinition[], registry: SchemaRegistry): OpenApiV3Document {
  const { paths, schemas } = pathsAndSchemas(defs, registry);
  return { openapi: '3.0.0', info: OPENAPI_INFO, paths, components: { schemas } };
}
