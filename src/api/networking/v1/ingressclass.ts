import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, forbidden, invalid, notSupported, required, tooLong } from '../../validation/field-errors.js';
import { isDNS1123Label } from '../../validation/names.js';
import { immutableField } from '../../common/checks.js';
import { ageColumn, nameColumn } from '../../common/columns.js';
import { validateDomainPrefixedPath } from '../../common/domain-path.js';
import { type TypedReference, validateTypedReference } from './backend.js';

interface Parameters extends TypedReference {
  scope?: string | null;
  namespace?: string | null;
}

interface IngressClassSpec {
  controller?: string;
  parameters?: Parameters | null;
}

function specOf(obj: KubeObject): IngressClassSpec {
  if (obj.spec === null || typeof obj.spec !== 'object') obj.spec = {};
  return obj.spec as IngressClassSpec;
}

function validateParameters(p: Parameters, field: string): FieldError[] {
  const errs = validateTypedReference(p, field);
  if (p.scope === undefined || p.scope === null) return [...errs, required(`${field}.scope`)];
  if (p.scope !== 'Cluster' && p.scope !== 'Namespace') return [...errs, notSupported(`${field}.scope`, p.scope, ['Cluster', 'Namespace'])];
  const hasNamespace = p.namespace !== undefined && p.namespace !== null;
  if (p.scope === 'Namespace') {
    if (!hasNamespace) errs.push(required(`${field}.namespace`, "`parameters.scope` is set to 'Namespace'"));
    else for (const m of isDNS1123Label(p.namespace!)) errs.push(invalid(`${field}.namespace`, p.namespace, m));
  } else if (hasNamespace) {
    errs.push(forbidden(`${field}.namespace`, "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

export function validateIngressClass(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const controller = spec.controller ?? '';
  const errs: FieldError[] = [];
  if (controller.length > 250) errs.push(tooLong('spec.controller', 250));
  errs.push(...validateDomainPrefixedPath(controller, 'spec.controller'));
  if (spec.parameters) errs.push(...validateParameters(spec.parameters, 'spec.parameters'));
  return errs;
}

/** PARAMETERS: `Kind.apiGroup/name`, `<none>` without parameters. */
function parametersText(p: Parameters | null | undefined): string {
  if (!p) return '<none>';
  const kind = p.apiGroup ? `${p.kind ?? ''}.${p.apiGroup}` : (p.kind ?? '');
  return `${kind}/${p.name ?? ''}`;
}

export const ingressClasses: ResourceDefinition = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  plural: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  tracksGeneration: true,
  protobufMessage: 'k8s.io.api.networking.v1.IngressClass',
  // SetDefaults_IngressClass: parameters without a scope refer to a cluster-scoped object.
  defaults: (obj) => {
    const p = specOf(obj).parameters;
    if (p && (p.scope === undefined || p.scope === null)) p.scope = 'Cluster';
  },
  validate: validateIngressClass,
  validateUpdate: (obj, old) => immutableField(specOf(obj).controller, specOf(old).controller, 'spec.controller'),
  columns: [
    nameColumn,
    { name: 'Controller', type: 'string', description: 'Controller that is responsible for handling this class' },
    { name: 'Parameters', type: 'string', description: 'A reference to a resource with additional parameters' },
    ageColumn,
  ],
  cells: (obj, now) => [obj.metadata.name, specOf(obj).controller ?? '', parametersText(specOf(obj).parameters), age(obj.metadata.creationTimestamp, now)],
};
