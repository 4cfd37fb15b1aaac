/** ValidatePodSpec: the rules every PodSpec follows, in a pod or a template. */
import { type FieldError, duplicate, invalid, notSupported, required } from '../../validation/field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../validation/names.js';
import { validateLabels, validateAnnotations } from '../../validation/object-meta.js';
import { type ContainerContext, validateContainer } from './container-validation.js';
import { type JsonObject, isObject, objectsOf } from './json.js';
import { validateVolumes } from './volume-validation.js';

export const restartPolicies = ['Always', 'OnFailure', 'Never'];
export const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
export const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const preemptionPolicies = ['PreemptLowerPriority', 'Never'];
const maxInt32 = 2147483647;

function validateEnum(value: unknown, field: string, valid: string[]): FieldError[] {
  if (value === undefined || value === null || value === '') return [required(field)];
  return valid.includes(value as string) ? [] : [notSupported(field, value, valid)];
}

function validateName(value: unknown, field: string, rule: (s: string) => string[]): FieldError[] {
  if (typeof value !== 'string' || value === '') return [];
  return rule(value).map((m) => invalid(field, value, m));
}

/** spec.tolerations: keys, operators, effects, and tolerationSeconds only with NoExecute. */
export function validateTolerations(tolerations: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, t] of objectsOf(tolerations).entries()) {
    const f = `${field}[${i}]`;
    if (t.key) for (const m of isQualifiedName(String(t.key))) errs.push(invalid(`${f}.key`, t.key, m));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(invalid(`${f}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.push(invalid(`${f}.effect`, t.effect ?? '', 'effect must be \'NoExecute\' when `tolerationSeconds` is set'));
    }
    if (t.operator === 'Exists' && t.value) errs.push(invalid(`${f}.operator`, t.value, 'value must be empty when `operator` is \'Exists\''));
    else if (t.operator !== undefined && t.operator !== '' && t.operator !== 'Equal' && t.operator !== 'Exists') {
      errs.push(notSupported(`${f}.operator`, t.operator, ['Equal', 'Exists']));
    }
    if (t.effect) errs.push(...validateEnum(t.effect, `${f}.effect`, taintEffects));
  }
  return errs;
}

/** Two containers of one list may not claim the same host port (protocol/hostIP/port). */
function validateHostPorts(containers: JsonObject[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [ci, c] of containers.entries()) {
    for (const [pi, p] of objectsOf(c.ports).entries()) {
      if (!p.hostPort) continue;
      const key = `${p.protocol ?? ''}/${p.hostIP ?? ''}/${p.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(`${field}[${ci}].ports[${pi}].hostPort`, key));
      seen.add(key);
    }
  }
  return errs;
}

export function validatePodSpec(spec: unknown, field: string): FieldError[] {
  if (!isObject(spec)) return [required(`${field}.containers`)];
  const errs: FieldError[] = [];
  const volumes = validateVolumes(spec.volumes, `${field}.volumes`, errs);
  const names = new Set<string>();
  const initCtx: ContainerContext = { volumes, names, kind: 'initContainer' };
  for (const [i, c] of objectsOf(spec.initContainers).entries()) errs.push(...validateContainer(c, `${field}.initContainers[${i}]`, initCtx));
  const containers = objectsOf(spec.containers);
  if (containers.length === 0) errs.push(required(`${field}.containers`));
  const ctx: ContainerContext = { volumes, names, kind: 'container' };
  for (const [i, c] of containers.entries()) errs.push(...validateContainer(c, `${field}.containers[${i}]`, ctx));
  errs.push(...validateHostPorts(objectsOf(spec.initContainers), `${field}.initContainers`));
  errs.push(...validateHostPorts(containers, `${field}.containers`));
  errs.push(...validateEnum(spec.restartPolicy, `${field}.restartPolicy`, restartPolicies));
  errs.push(...validateEnum(spec.dnsPolicy, `${field}.dnsPolicy`, dnsPolicies));
  if (spec.dnsPolicy === 'None' && !isObject(spec.dnsConfig)) {
    errs.push(required(`${field}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  }
  if (spec.preemptionPolicy !== undefined) errs.push(...validateEnum(spec.preemptionPolicy, `${field}.preemptionPolicy`, preemptionPolicies));
  errs.push(...validateLabels(spec.nodeSelector as Record<string, string> | undefined, `${field}.nodeSelector`));
  errs.push(...validateName(spec.serviceAccountName, `${field}.serviceAccountName`, isDNS1123Subdomain));
  errs.push(...validateName(spec.nodeName, `${field}.nodeName`, isDNS1123Subdomain));
  errs.push(...validateName(spec.hostname, `${field}.hostname`, isDNS1123Label));
  errs.push(...validateName(spec.subdomain, `${field}.subdomain`, isDNS1123Label));
  errs.push(...validateName(spec.priorityClassName, `${field}.priorityClassName`, isDNS1123Subdomain));
  errs.push(...validateName(spec.schedulerName, `${field}.schedulerName`, isDNS1123Subdomain));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    const v = spec.activeDeadlineSeconds;
    if (!Number.isInteger(v) || v < 1 || v > maxInt32) {
      errs.push(invalid(`${field}.activeDeadlineSeconds`, v, `must be between 1 and ${maxInt32}, inclusive`));
    }
  }
  errs.push(...validateTolerations(spec.tolerations, `${field}.tolerations`));
  for (const [i, s] of objectsOf(spec.imagePullSecrets).entries()) {
    if (!s.name) errs.push(required(`${field}.imagePullSecrets[${i}].name`));
  }
  return errs;
}

export function validatePodTemplateSpec(template: unknown, field: string): FieldError[] {
  if (!isObject(template)) return [required(field)];
  const errs: FieldError[] = [];
  const meta = isObject(template.metadata) ? template.metadata : {};
  errs.push(...validateLabels(meta.labels as Record<string, string> | undefined, `${field}.metadata.labels`));
  errs.push(...validateAnnotations(meta.annotations as Record<string, string> | undefined, `${field}.metadata.annotations`));
  errs.push(...validatePodSpec(template.spec, `${field}.spec`));
  return errs;
}
