import type { ResourceDefinition } from '../apiserver/registry/resource.js';
import { appsV1 } from './apps/v1/index.js';
import { batchV1 } from './batch/v1/index.js';
import { coreV1 } from './core/v1/index.js';
import { networkingV1 } from './networking/v1/index.js';
import { rbacV1 } from './rbac/v1/index.js';

/** Every built-in resource, in discovery order (core first, then groups as Kubernetes lists them). */
export const builtinResources: ResourceDefinition[] = [...coreV1, ...appsV1, ...batchV1, ...networkingV1, ...rbacV1];
