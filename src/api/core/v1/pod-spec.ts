import type { FieldError } from '../../validation/field-errors.js';

/** Applies Kubernetes' PodSpec defaults in place. */
export function defaultPodSpec(spec: Record<string, any>): void {
  void spec;
}

/** Applies PodTemplateSpec defaults (the template's spec) in place. */
export function defaultPodTemplateSpec(template: Record<string, any>): void {
  if (template && typeof template.spec === 'object' && template.spec !== null) defaultPodSpec(template.spec);
}

/** Validates a PodSpec; `field` is the path of the spec, e.g. `spec` or `spec.template.spec`. */
export function validatePodSpec(spec: unknown, field: string): FieldError[] {
  void spec;
  void field;
  return [];
}

/** Validates a PodTemplateSpec; `field` is its path, e.g. `spec.template`. */
export function validatePodTemplateSpec(template: unknown, field: string): FieldError[] {
  void template;
  void field;
  return [];
}
