import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { controllerRevisions } from './controllerrevision.js';
import { daemonSets } from './daemonset.js';
import { deployments } from './deployment.js';
import { replicaSets } from './replicaset.js';
import { statefulSets } from './statefulset.js';

/** Every apps/v1 resource k8ts serves. */
export const appsV1: ResourceDefinition[] = [controllerRevisions, daemonSets, deployments, replicaSets, statefulSets];
