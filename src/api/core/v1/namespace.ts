import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, invalid } from '../../validation/field-errors.js';
import { isDNS1123Label, isQualifiedName } from '../../validation/names.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { ensureObject, objectOr, stringsOf } from './json.js';

/** The finalizer the namespace controller removes once the namespace's content is gone. */
export const kubernetesFinalizer = 'kubernetes';
const standardFinalizers = new Set([kubernetesFinalizer, 'orphan', 'foregroundDeletion']);
const nameLabel = 'kubernetes.io/metadata.name';
const immortalNamespaces = new Set(['default', 'kube-system', 'kube-public']);

/** A finalizer is a standard name or a domain-qualified one (`example.com/cleanup`). */
export function validateFinalizerName(name: string, field: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalid(field, name, m));
  if (errs.length === 0 && !name.includes('/') && !standardFinalizers.has(name)) {
    errs.push(invalid(field, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

function defaultNamespace(obj: KubeObject): void {
  // The name label lets selectors match namespaces by name; it always mirrors the name.
  if (obj.metadata.name) obj.metadata.labels = { ...obj.metadata.labels, [nameLabel]: obj.metadata.name };
  const status = ensureObject(obj, 'status');
  if (!status.phase) status.phase = 'Active';
}

export const namespaces: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  // Namespaces cannot be deleted as a collection.
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  statusSubresource: true,
  validateName: isDNS1123Label,
  protobufMessage: 'k8s.io.api.core.v1.Namespace',
  defaults: defaultNamespace,
  prepareForCreate(obj) {
    obj.status = { phase: 'Active' };
    const spec = ensureObject(obj, 'spec');
    const finalizers = stringsOf(spec.finalizers);
    if (!finalizers.includes(kubernetesFinalizer)) finalizers.push(kubernetesFinalizer);
    spec.finalizers = finalizers;
  },
  prepareForUpdate(obj, old) {
    // spec.finalizers only change through the finalize subresource.
    const spec = ensureObject(obj, 'spec');
    const oldFinalizers = objectOr(old.spec).finalizers;
    if (oldFinalizers === undefined) delete spec.finalizers;
    else spec.finalizers = [...stringsOf(oldFinalizers)];
  },
  // NamespaceLifecycle admission keeps the namespaces the system itself relies on.
  forbidDelete: (obj) => (immortalNamespaces.has(obj.metadata.name!) ? 'this namespace may not be deleted' : undefined),
  prepareForDelete(obj) {
    ensureObject(obj, 'status').phase = 'Terminating';
  },
  finalizing: (obj) => stringsOf(objectOr(obj.spec).finalizers).length > 0,
  validate: (obj) => stringsOf(objectOr(obj.spec).finalizers).flatMap((f, i) => validateFinalizerName(f, `spec.finalizers[${i}]`)),
  columns: [nameColumn, column('Status', 'The status of the namespace'), ageColumn],
  cells: (obj, now) => [obj.metadata.name, String(objectOr(obj.status).phase ?? ''), age(obj.metadata.creationTimestamp, now)],
  fieldSelectors: {
    'status.phase': (o) => String(objectOr(o.status).phase ?? ''),
    // Kubernetes still accepts the pre-metadata `name` selector here.
    name: (o) => o.metadata.name ?? '',
  },
};
