/**
 * Checks every replicated workload makes of its pod template: the selector must select the
 * template's labels, pods must restart Always, and activeDeadlineSeconds makes no sense.
 */
import type { LabelSelector } from '../../types.js';
import { type FieldError, forbidden, notSupported, required } from '../../validation/field-errors.js';
import { validatePodTemplateSpec } from '../../core/v1/pod-spec.js';
import { goLabelSelector, goStringMap, invalidRendered } from '../../common/go-format.js';
import { selectorEmpty, selectorInvalid, selectorMatches, validateLabelSelector } from '../../common/label-selector.js';
import type { PodTemplateLike } from '../../common/pod-template.js';

/** The `selector` is required, well formed and not empty ("empty selector is invalid for <kind>"). */
export function validateRequiredSelector(sel: LabelSelector | null | undefined, field: string, kind: string): FieldError[] {
  if (!sel) return [required(field)];
  const errs = validateLabelSelector(sel, field);
  if (selectorEmpty(sel)) errs.push(invalidRendered(field, goLabelSelector(sel), `empty selector is invalid for ${kind}`));
  return errs;
}

/** `spec.template.metadata.labels: Invalid value: map[string]string{…}: \`selector\` does not match template \`labels\``. */
export function validateSelectorMatchesTemplate(
  sel: LabelSelector | null | undefined,
  template: PodTemplateLike | undefined,
  templateField: string,
): FieldError[] {
  // An empty selector matches everything, so there is nothing to compare.
  if (selectorEmpty(sel)) return [];
  const labels = template?.metadata?.labels;
  if (selectorMatches(sel, labels)) return [];
  return [invalidRendered(`${templateField}.metadata.labels`, goStringMap(labels), '`selector` does not match template `labels`')];
}

/** RestartPolicy Always only, and no activeDeadlineSeconds (`kindName` appears in the message). */
export function validateLongRunningPods(template: PodTemplateLike | undefined, templateField: string, kindName: string): FieldError[] {
  const errs: FieldError[] = [];
  const spec = template?.spec;
  const policy = spec?.restartPolicy ?? '';
  if (policy !== 'Always') errs.push(notSupported(`${templateField}.spec.restartPolicy`, policy, ['Always']));
  if (spec?.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(`${templateField}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kindName} is not Supported`));
  }
  return errs;
}

/**
 * ValidatePodTemplateSpecForReplicaSet, shared by Deployments and ReplicaSets: selector match
 * (or "invalid label selector"), the pod template itself, then the long-running rules.
 */
export function validateReplicaSetTemplate(
  sel: LabelSelector | null | undefined,
  template: PodTemplateLike | undefined,
  specField: string,
): FieldError[] {
  const templateField = `${specField}.template`;
  if (selectorInvalid(sel)) return [invalidRendered(`${specField}.selector`, goLabelSelector(sel), 'invalid label selector')];
  return [
    ...validateSelectorMatchesTemplate(sel, template, templateField),
    ...validatePodTemplateSpec(template ?? {}, templateField),
    ...validateLongRunningPods(template, templateField, 'ReplicaSet'),
  ];
}

/** Fills the template with pod defaults (restartPolicy Always, dnsPolicy, …) via core/v1. */
export { defaultPodTemplateSpec } from '../../core/v1/pod-spec.js';
