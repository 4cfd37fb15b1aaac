import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { podDisruptionBudgets } from './poddisruptionbudget.js';

/** Every policy/v1 resource k8ts serves (eviction is a pods subresource, not listed here). */
export const policyV1: ResourceDefinition[] = [podDisruptionBudgets];
