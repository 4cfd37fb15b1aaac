import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { endpointSlices } from './endpointslice.js';

/** Every discovery.k8s.io/v1 resource k8ts serves. */
export const discoveryV1: ResourceDefinition[] = [endpointSlices];
