import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { ingressClasses } from './ingressclass.js';
import { ingresses } from './ingress.js';
import { networkPolicies } from './networkpolicy.js';

/** Every networking.k8s.io/v1 resource k8ts serves. */
export const networkingV1: ResourceDefinition[] = [ingressClasses, ingresses, networkPolicies];
