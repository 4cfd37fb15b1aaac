import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { horizontalPodAutoscalersV1 } from './hpa.js';

/** autoscaling/v1: HorizontalPodAutoscaler served from the autoscaling/v2 storage. */
export const autoscalingV1: ResourceDefinition[] = [horizontalPodAutoscalersV1];
