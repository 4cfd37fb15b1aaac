import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { leases } from './lease.js';

/** Every coordination.k8s.io/v1 resource k8ts serves. */
export const coordinationV1: ResourceDefinition[] = [leases];
