/**
 * Kubernetes' OpenAPI definition names for the types of the protobuf schema table: the table
 * says `apps/v1.Deployment`, OpenAPI says `io.k8s.api.apps.v1.Deployment`.
 */

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** The special (hand-written JSON) types, by their name in the table. */
export const SPECIAL_DEFINITIONS: Readonly<Record<string, string>> = {
  Time: `${META}.Time`,
  MicroTime: `${META}.MicroTime`,
  Duration: `${META}.Duration`,
  FieldsV1: `${META}.FieldsV1`,
  Quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  IntOrString: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  RawExtension: 'io.k8s.apimachinery.pkg.runtime.RawExtension',
};

/** Go package directory (as the table names it) → OpenAPI package prefix. */
function packagePrefix(pkg: string): string {
  if (pkg === 'meta') return 'io.k8s.apimachinery.pkg.apis.meta';
  return `io.k8s.api.${pkg}`;
}

/**
 * The OpenAPI definition name of a table type.
 *
 * @example definitionName('core/v1.PodSpec') // 'io.k8s.api.core.v1.PodSpec'
 * @example definitionName('meta/v1.ObjectMeta') // 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'
 * @example definitionName('IntOrString') // 'io.k8s.apimachinery.pkg.util.intstr.IntOrString'
 */
export function definitionName(tableType: string): string {
  const special = SPECIAL_DEFINITIONS[tableType];
  if (special) return special;
  const m = /^([^/]+)\/([^.]+)\.(.+)$/.exec(tableType);
  if (!m) throw new Error(`openapi: cannot name table type ${tableType}`);
  return `${packagePrefix(m[1]!)}.${m[2]}.${m[3]}`;
}

/**
 * Splits an apiVersion; a bare version is the core group.
 *
 * @example parseApiVersion('apps/v1') // { group: 'apps', version: 'v1' }
 * @example parseApiVersion('v1') // { group: '', version: 'v1' }
 */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
