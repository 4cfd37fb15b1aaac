/**
 * Facts about built-in types that the protobuf tables do not carry but server-side apply and
 * clients read from the OpenAPI documents: structs owned as a whole
 * (`x-kubernetes-map-type: atomic`, Go's `+structType=atomic`) and field defaults that take
 * part in list-map keys (a port without `protocol` is the TCP one).
 */

const core = (name: string): string => `io.k8s.api.core.v1.${name}`;

/** Definitions whose objects are replaced whole by an apply, never merged field by field. */
export const ATOMIC_STRUCTS: ReadonlySet<string> = new Set([
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
  core('LocalObjectReference'),
  core('ObjectReference'),
  core('TypedLocalObjectReference'),
  core('ConfigMapKeySelector'),
  core('SecretKeySelector'),
  core('ObjectFieldSelector'),
  core('ResourceFieldSelector'),
  core('NodeSelector'),
  core('NodeSelectorTerm'),
  core('TopologySelectorTerm'),
]);

/** `definition → field → default` for fields whose default matters to clients. */
export const FIELD_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  [core('ContainerPort')]: { protocol: 'TCP' },
  [core('ServicePort')]: { protocol: 'TCP' },
  [core('EndpointPort')]: { protocol: 'TCP' },
};
