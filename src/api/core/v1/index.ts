import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { configMaps } from './configmap.js';
import { pods } from './pod.js';

/** Every core/v1 resource k8ts serves. */
export const coreV1: ResourceDefinition[] = [configMaps, pods];
