/**
 * The PodSpec / PodTemplateSpec entry points every workload kind uses (pods, replication
 * controllers, apps/v1, batch/v1): scheme defaulting and validation.
 */
export { defaultPodSpec, defaultPodTemplateSpec } from './pod-spec-defaults.js';
export { validatePodSpec, validatePodTemplateSpec } from './pod-spec-validation.js';
