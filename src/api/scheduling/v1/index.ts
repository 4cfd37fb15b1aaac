import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { priorityClasses } from './priorityclass.js';

/** Every scheduling.k8s.io/v1 resource k8ts serves. */
export const schedulingV1: ResourceDefinition[] = [priorityClasses];
