import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { storageClasses } from './storageclass.js';

/** Every storage.k8s.io/v1 resource k8ts serves. */
export const storageV1: ResourceDefinition[] = [storageClasses];
