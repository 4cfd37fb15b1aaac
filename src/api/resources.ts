import type { ResourceDefinition } from '../apiserver/registry/resource.js';
import { appsV1 } from './apps/v1/index.js';
import { autoscalingV1 } from './autoscaling/v1/index.js';
import { autoscalingV2 } from './autoscaling/v2/index.js';
import { batchV1 } from './batch/v1/index.js';
import { coordinationV1 } from './coordination/v1/index.js';
import { coreV1 } from './core/v1/index.js';
import { discoveryV1 } from './discovery/v1/index.js';
import { eventsGroupV1 } from './events/v1/index.js';
import { networkingV1 } from './networking/v1/index.js';
import { policyV1 } from './policy/v1/index.js';
import { rbacV1 } from './rbac/v1/index.js';
import { schedulingV1 } from './scheduling/v1/index.js';
import { storageV1 } from './storage/v1/index.js';

/**
 * Every built-in resource, in discovery order: core first, then the groups in the order the
 * Kubernetes API server lists them (apps, events, autoscaling, batch, networking, policy,
 * rbac, storage, scheduling, coordination, discovery).
 */
export const builtinResources: ResourceDefinition[] = [
  ...coreV1,
  ...appsV1,
  ...eventsGroupV1,
  // v2 first: the first version listed is the preferred one.
  ...autoscalingV2,
  ...autoscalingV1,
  ...batchV1,
  ...networkingV1,
  ...policyV1,
  ...rbacV1,
  ...storageV1,
  ...schedulingV1,
  ...coordinationV1,
  ...discoveryV1,
];
