import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, forbidden, invalid, notSupported, required } from '../../validation/field-errors.js';
import { isValidCIDR } from '../../validation/ip.js';
import { isQualifiedName, isValidLabelValue } from '../../validation/names.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { type JsonObject, ensureObject, isObject, jsonEqual, objectOr, objectsOf, stringsOf } from './json.js';
import { taintEffects } from './pod-spec-validation.js';
import { validateResourceList } from './resources.js';

const rolePrefix = 'node-role.kubernetes.io/';
const roleLabel = 'kubernetes.io/role';

function defaultNode(obj: KubeObject): void {
  const spec = ensureObject(obj, 'spec');
  // podCIDR is the first of podCIDRs; v1 keeps the two in step.
  const cidrs = stringsOf(spec.podCIDRs);
  if (spec.podCIDR && cidrs.length === 0) spec.podCIDRs = [spec.podCIDR];
  else if (!spec.podCIDR && cidrs.length > 0) spec.podCIDR = cidrs[0];
  if (isObject(obj.status) && isObject(obj.status.capacity) && !isObject(obj.status.allocatable)) {
    obj.status.allocatable = { ...obj.status.capacity };
  }
}

function validateTaints(taints: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [i, t] of objectsOf(taints).entries()) {
    const f = `${field}[${i}]`;
    if (!t.key) errs.push(required(`${f}.key`));
    else for (const m of isQualifiedName(String(t.key))) errs.push(invalid(`${f}.key`, t.key, m));
    if (t.value) for (const m of isValidLabelValue(String(t.value))) errs.push(invalid(`${f}.value`, t.value, m));
    if (!t.effect) errs.push(required(`${f}.effect`));
    else if (!taintEffects.includes(t.effect)) errs.push(notSupported(`${f}.effect`, t.effect, taintEffects));
    const key = `${t.key}:${t.effect}`;
    if (seen.has(key)) errs.push(invalid(f, `${t.key}:${t.effect}`, 'taints must be unique by key and effect pair'));
    seen.add(key);
  }
  return errs;
}

function validateNode(obj: KubeObject): FieldError[] {
  const spec = objectOr(obj.spec);
  const errs = validateTaints(spec.taints, 'spec.taints');
  for (const [i, c] of stringsOf(spec.podCIDRs).entries()) for (const m of isValidCIDR(c)) errs.push(invalid(`spec.podCIDRs[${i}]`, c, m));
  const status = objectOr(obj.status);
  validateResourceList(status.capacity, 'status.capacity', errs);
  validateResourceList(status.allocatable, 'status.allocatable', errs);
  return errs;
}

function validateNodeUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = objectOr(obj.spec);
  const oldSpec = objectOr(old.spec);
  const oldCIDRs = stringsOf(oldSpec.podCIDRs);
  if (oldCIDRs.length > 0 && !jsonEqual(oldCIDRs, stringsOf(spec.podCIDRs))) {
    errs.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (oldSpec.providerID && spec.providerID !== oldSpec.providerID) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

/** `Ready`, `NotReady` or `Unknown`, then `SchedulingDisabled` when cordoned. */
function nodeStatus(obj: KubeObject): string {
  const ready = objectsOf(objectOr(obj.status).conditions).find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (objectOr(obj.spec).unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` labels and the older `kubernetes.io/role=<role>`. */
export function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith(rolePrefix) && k.length > rolePrefix.length) roles.add(k.slice(rolePrefix.length));
    else if (k === roleLabel && v) roles.add(v);
  }
  return [...roles].sort();
}

function address(status: JsonObject, type: string): string {
  return objectsOf(status.addresses).find((a) => a.type === type)?.address ?? '<none>';
}

export const nodes: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  statusSubresource: true,
  protobufMessage: 'k8s.io.api.core.v1.Node',
  defaults: defaultNode,
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
  columns: [
    nameColumn,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    ageColumn,
    column('Version', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'List of addresses reachable to the node.', true),
    column('External-IP', 'List of addresses reachable to the node.', true),
    column('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', true),
    column('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", true),
    column('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', true),
  ],
  cells(obj, now) {
    const status = objectOr(obj.status);
    const info = objectOr(status.nodeInfo);
    const roles = nodeRoles(obj.metadata.labels);
    return [
      obj.metadata.name,
      nodeStatus(obj),
      roles.length ? roles.join(',') : '<none>',
      age(obj.metadata.creationTimestamp, now),
      String(info.kubeletVersion ?? ''),
      address(status, 'InternalIP'),
      address(status, 'ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ];
  },
  fieldSelectors: { 'spec.unschedulable': (o) => String(objectOr(o.spec).unschedulable === true) },
};
