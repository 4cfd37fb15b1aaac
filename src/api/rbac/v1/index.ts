import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { clusterRoleBindings, roleBindings } from './binding.js';
import { clusterRoles, roles } from './role.js';

/** Every rbac.authorization.k8s.io/v1 resource k8ts serves. */
export const rbacV1: ResourceDefinition[] = [clusterRoleBindings, clusterRoles, roleBindings, roles];
