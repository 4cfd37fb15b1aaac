import type { Field } from '../protobuf/schema.js';

/**
 * Kubernetes' OpenAPI generator marks a field required unless its Go tag says `omitempty` or its
 * comment says `+optional`. The table keeps `omitempty` but not the comments, so these are the
 * fields that are `+optional` without `omitempty` — the only places the tag alone is wrong.
 */
const OPTIONAL_WITHOUT_OMITEMPTY: Readonly<Record<string, readonly string[]>> = {
  'apps/v1.StatefulSetSpec': ['serviceName'],
  'apps/v1.StatefulSetStatus': ['availableReplicas'],
  'apps/v1.StatefulSetOrdinals': ['start'],
  'authentication/v1.TokenRequestSpec': ['expirationSeconds', 'boundObjectRef'],
  'autoscaling/v2.HorizontalPodAutoscalerStatus': ['currentMetrics'],
  'core/v1.AzureFilePersistentVolumeSource': ['secretNamespace'],
  'core/v1.ContainerImage': ['names'],
  'core/v1.Event': ['reportingComponent', 'reportingInstance'],
  'core/v1.GRPCAction': ['service'],
  'discovery/v1.EndpointSlice': ['ports'],
  'events/v1.Event': ['metadata'],
  'networking/v1.IngressClassParametersReference': ['scope'],
  'rbac/v1.ClusterRole': ['rules'],
  'rbac/v1.Role': ['rules'],
  'storage/v1.CSINodeDriver': ['topologyKeys'],
};

/**
 * Whether `field` of table message `message` is listed under `required` in Kubernetes' OpenAPI.
 *
 * @example isRequired('core/v1.Container', containerNameField) // true
 */
export function isRequired(message: string, field: Field): boolean {
  if (field.omitempty || field.inline) return false;
  return !(OPTIONAL_WITHOUT_OMITEMPTY[message]?.includes(field.json) ?? false);
}
