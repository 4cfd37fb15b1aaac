import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { eventsV1 } from './event.js';

/** Every events.k8s.io/v1 resource k8ts serves (stored as core/v1 events). */
export const eventsGroupV1: ResourceDefinition[] = [eventsV1];
