import type { ResourceDefinition, Verb } from '../registry/resource.js';
import { refTo, type GroupVersionKind, type Schema } from './schema-types.js';

/** An OpenAPI 3 parameter. */
export interface Parameter {
  name: string;
  in: 'path' | 'query';
  description?: string;
  required?: boolean;
  schema: Schema;
}

export interface MediaContent {
  [mediaType: string]: { schema: Schema };
}

export interface Operation {
  description: string;
  operationId: string;
  tags: string[];
  parameters?: Parameter[];
  requestBody?: { content: MediaContent; required?: boolean };
  responses: Record<string, { description: string; content?: MediaContent }>;
  /** What kubectl reads to tie an operation to a kind (e.g. fieldValidation support). */
  'x-kubernetes-action': 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
  'x-kubernetes-group-version-kind': GroupVersionKind;
}

export interface PathItem {
  parameters?: Parameter[];
  get?: Operation;
  put?: Operation;
  post?: Operation;
  delete?: Operation;
  patch?: Operation;
}

/** The schemas one resource's operations refer to, by definition name. */
export interface ResourceSchemas {
  /** The kind, e.g. io.k8s.api.apps.v1.Deployment. */
  object: string;
  /** The list kind; undefined falls back to a bare object. */
  list?: string;
  /** autoscaling/v1 Scale, for resources with a scale subresource. */
  scale?: string;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const query = (name: string, type: 'string' | 'boolean' | 'integer', description: string): Parameter => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });
const pathParam = (name: string, description: string): Parameter => ({ name, in: 'path', required: true, description, schema: { type: 'string', uniqueItems: true } });

const PRETTY = query('pretty', 'string', "If 'true', the output is pretty printed.");
const DRY_RUN = query('dryRun', 'string', 'When present (All), the request is validated but nothing is persisted.');
const FIELD_MANAGER = query('fieldManager', 'string', 'The name of the actor making these changes, recorded in managedFields.');
/** Declaring this is what makes kubectl send fieldValidation=Strict instead of validating locally. */
const FIELD_VALIDATION = query('fieldValidation', 'string', 'How to treat unknown or duplicate fields: Ignore, Warn (the default) or Strict.');
const FORCE = query('force', 'boolean', 'Apply requests only: take over fields other managers own.');
const LIST_PARAMS: readonly Parameter[] = [
  query('allowWatchBookmarks', 'boolean', 'Ask for BOOKMARK events on a watch.'),
  query('continue', 'string', 'The continue token of a previous page.'),
  query('fieldSelector', 'string', 'Restricts the result by fields.'),
  query('labelSelector', 'string', 'Restricts the result by labels.'),
  query('limit', 'integer', 'The maximum number of items to return.'),
  query('resourceVersion', 'string', 'Which resource version the list or watch is served from.'),
  query('resourceVersionMatch', 'string', 'How resourceVersion applies to a list.'),
  query('sendInitialEvents', 'boolean', 'Start a watch with synthetic ADDED events for existing objects.'),
  query('timeoutSeconds', 'integer', 'How long a list or watch may take.'),
  query('watch', 'boolean', 'Stream changes instead of listing.'),
];
const DELETE_PARAMS: readonly Parameter[] = [
  DRY_RUN,
  query('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; 0 deletes at once.'),
  query('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  query('propagationPolicy', 'string', 'Orphan, Background or Foreground garbage collection of dependents.'),
];

const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
const RESPONSE_TYPES = ['application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml'];

function content(schemaName: string | undefined, types: readonly string[] = RESPONSE_TYPES): MediaContent {
  const schema = schemaName ? refTo(schemaName) : { type: 'object' as const };
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

function responses(codes: Record<string, string>, schemaName: string | undefined): Operation['responses'] {
  return Object.fromEntries(Object.entries(codes).map(([code, description]) => [code, { description, content: content(schemaName) }]));
}

/** `rbac.authorization.k8s.io` + `v1` → `RbacAuthorizationV1`; the core group is `Core`. */
function groupVersionWord(group: string, version: string): string {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const g = group === '' ? 'Core' : group.replace(/\.k8s\.io$/, '').split(/[.-]/).map(cap).join('');
  return `${g}${cap(version)}`;
}

function tagFor(group: string, version: string): string {
  const word = groupVersionWord(group, version).slice(0, -version.length);
  return `${word.charAt(0).toLowerCase()}${word.slice(1)}_${version}`;
}

/**
 * The OpenAPI paths of one resource: collection and item operations, the all-namespaces list,
 * and the status and scale subresources, each operation tagged with its kind and action.
 * Every create, replace and patch declares `fieldValidation`.
 *
 * @example resourcePaths(deploymentDefinition, { object: 'io.k8s.api.apps.v1.Deployment', … })
 * // { '/apis/apps/v1/namespaces/{namespace}/deployments': { get, post, delete, parameters }, … }
 */
export function resourcePaths(def: ResourceDefinition, schemas: ResourceSchemas): Record<string, PathItem> {
  const { group, version, kind, plural, namespaced } = def;
  const verbs = new Set(def.verbs ?? ALL_VERBS);
  const gvk: GroupVersionKind = { group, version, kind };
  const gvWord = groupVersionWord(group, version);
  const tags = [tagFor(group, version)];
  const scope = namespaced ? 'Namespaced' : '';
  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const collection = namespaced ? `${prefix}/namespaces/{namespace}/${plural}` : `${prefix}/${plural}`;
  const item = `${collection}/{name}`;
  const nsParam = namespaced ? [pathParam('namespace', 'The namespace of the objects.')] : [];
  const itemParams = [pathParam('name', `The name of the ${kind}.`), ...nsParam, PRETTY];

  const op = (action: Operation['x-kubernetes-action'], verbWord: string, suffix: string, description: string, extra: Pick<Operation, 'responses'> & Partial<Operation>, forGvk = gvk): Operation => ({
    description,
    operationId: `${verbWord}${gvWord}${suffix}`,
    tags,
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': forGvk,
  });
  const writeParams = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
  const readWrite = (sub: string, target: string | undefined, targetGvk: GroupVersionKind, what: string): PathItem => {
    const name = `${scope}${kind}${sub}`;
    const p: PathItem = { parameters: itemParams };
    p.get = op('get', 'read', name, `read ${what} of the specified ${kind}`, { responses: responses({ '200': 'OK' }, target) }, targetGvk);
    p.put = op('put', 'replace', name, `replace ${what} of the specified ${kind}`, { parameters: writeParams, requestBody: { content: content(target, ['*/*']), required: true }, responses: responses({ '200': 'OK', '201': 'Created' }, target) }, targetGvk);
    p.patch = op('patch', 'patch', name, `partially update ${what} of the specified ${kind}`, { parameters: [...writeParams, FORCE], requestBody: { content: content(`${META}Patch`, PATCH_TYPES), required: true }, responses: responses({ '200': 'OK', '201': 'Created' }, target) }, targetGvk);
    return p;
  };

  const out: Record<string, PathItem> = {};
  const coll: PathItem = { parameters: [...nsParam, PRETTY] };
  if (verbs.has('list')) coll.get = op('list', 'list', `${scope}${kind}`, `list or watch objects of kind ${kind}`, { parameters: [...LIST_PARAMS], responses: responses({ '200': 'OK' }, schemas.list) });
  if (verbs.has('create')) coll.post = op('post', 'create', `${scope}${kind}`, `create a ${kind}`, { parameters: writeParams, requestBody: { content: content(schemas.object, ['*/*']), required: true }, responses: responses({ '200': 'OK', '201': 'Created', '202': 'Accepted' }, schemas.object) });
  if (verbs.has('deletecollection')) coll.delete = op('deletecollection', 'delete', `Collection${scope}${kind}`, `delete collection of ${kind}`, { parameters: [...DELETE_PARAMS, ...LIST_PARAMS], requestBody: { content: content(`${META}DeleteOptions`, ['*/*']) }, responses: responses({ '200': 'OK' }, `${META}Status`) });
  if (coll.get || coll.post || coll.delete) out[collection] = coll;

  const one: PathItem = { parameters: itemParams };
  const main = readWrite('', schemas.object, gvk, '');
  if (verbs.has('get')) one.get = { ...main.get!, description: `read the specified ${kind}` };
  if (verbs.has('update')) one.put = { ...main.put!, description: `replace the specified ${kind}` };
  if (verbs.has('patch')) one.patch = { ...main.patch!, description: `partially update the specified ${kind}` };
  if (verbs.has('delete')) one.delete = op('delete', 'delete', `${scope}${kind}`, `delete a ${kind}`, { parameters: [...DELETE_PARAMS], requestBody: { content: content(`${META}DeleteOptions`, ['*/*']) }, responses: responses({ '200': 'OK', '202': 'Accepted' }, `${META}Status`) });
  if (one.get || one.put || one.patch || one.delete) out[item] = one;

  if (def.statusSubresource) out[`${item}/status`] = readWrite('Status', schemas.object, gvk, 'status');
  if (def.scale && schemas.scale) out[`${item}/scale`] = readWrite('Scale', schemas.scale, { group: 'autoscaling', version: 'v1', kind: 'Scale' }, 'scale');
  if (namespaced && verbs.has('list')) {
    out[`${prefix}/${plural}`] = {
      parameters: [PRETTY, ...LIST_PARAMS],
      get: op('list', 'list', `${kind}ForAllNamespaces`, `list or watch objects of kind ${kind}`, { responses: responses({ '200': 'OK' }, schemas.list) }),
    };
  }
  return out;
}
