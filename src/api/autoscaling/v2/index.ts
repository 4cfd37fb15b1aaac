import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { horizontalPodAutoscalersV2 } from './hpa.js';

/** autoscaling/v2: the preferred and storage version of HorizontalPodAutoscaler. */
export const autoscalingV2: ResourceDefinition[] = [horizontalPodAutoscalersV2];
