import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { configMaps } from './configmap.js';
import { endpoints } from './endpoints.js';
import { events } from './event.js';
import { limitRanges } from './limitrange.js';
import { namespaces } from './namespace.js';
import { nodes } from './node.js';
import { persistentVolumeClaims } from './persistentvolumeclaim.js';
import { persistentVolumes } from './persistentvolume.js';
import { pods } from './pod.js';
import { replicationControllers } from './replicationcontroller.js';
import { resourceQuotas } from './resourcequota.js';
import { secrets } from './secret.js';
import { serviceAccounts } from './serviceaccount.js';
import { services } from './service.js';

/** Every core/v1 resource k8ts serves, in the order Kubernetes' discovery lists them. */
export const coreV1: ResourceDefinition[] = [
  configMaps,
  endpoints,
  events,
  limitRanges,
  namespaces,
  nodes,
  persistentVolumeClaims,
  persistentVolumes,
  pods,
  replicationControllers,
  resourceQuotas,
  secrets,
  serviceAccounts,
  services,
];
