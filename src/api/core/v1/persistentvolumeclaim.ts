import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { canonicalQuantity, compareQuantities, formatQuantity, tryParseQuantity } from '../../quantity.js';
import { type FieldError, forbidden, invalid, required } from '../../validation/field-errors.js';
import { isDNS1123Subdomain } from '../../validation/names.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { clone, ensureObject, isObject, jsonEqual, objectOr } from './json.js';
import { checkQuantity } from './resources.js';
import { accessModesString, storageClassOf, validateAccessModes, validateVolumeMode } from './storage-common.js';

const storagePath = 'spec.resources[storage]';

function validatePVC(obj: KubeObject): FieldError[] {
  const spec = objectOr(obj.spec);
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes', 'at least 1 access mode is required');
  const requests = objectOr(objectOr(spec.resources).requests);
  if (!('storage' in requests)) errs.push(required(storagePath));
  else {
    const q = checkQuantity(requests.storage, storagePath, errs);
    if (q && q.nanos === 0n) errs.push(invalid(storagePath, formatQuantity(q), 'must be greater than zero'));
  }
  if (spec.storageClassName) for (const m of isDNS1123Subdomain(String(spec.storageClassName))) errs.push(invalid('spec.storageClassName', spec.storageClassName, m));
  errs.push(...validateVolumeMode(spec.volumeMode, 'spec.volumeMode'));
  return errs;
}

/** Only a bound claim's storage request (growth) and attributes class may change. */
function validatePVCUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = objectOr(obj.spec);
  const oldSpec = objectOr(old.spec);
  const errs: FieldError[] = [];
  const allowed = clone(oldSpec);
  // Binding fills in volumeName once.
  if (!oldSpec.volumeName) allowed.volumeName = spec.volumeName;
  if (oldSpec.volumeName) {
    const newStorage = tryParseQuantity(objectOr(objectOr(spec.resources).requests).storage);
    const oldStorage = tryParseQuantity(objectOr(objectOr(oldSpec.resources).requests).storage);
    if (newStorage && oldStorage && compareQuantities(newStorage, oldStorage) < 0) {
      errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
    }
    ensureObject(ensureObject(allowed, 'resources'), 'requests').storage = objectOr(objectOr(spec.resources).requests).storage;
    allowed.volumeAttributesClassName = spec.volumeAttributesClassName;
  }
  for (const k of Object.keys(allowed)) if (allowed[k] === undefined) delete allowed[k];
  if (!jsonEqual(spec, allowed)) {
    errs.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  return errs;
}

export const persistentVolumeClaims: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  namespaced: true,
  shortNames: ['pvc'],
  statusSubresource: true,
  protobufMessage: 'k8s.io.api.core.v1.PersistentVolumeClaim',
  defaults(obj) {
    const spec = ensureObject(obj, 'spec');
    if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
    const status = ensureObject(obj, 'status');
    if (!status.phase) status.phase = 'Pending';
  },
  prepareForCreate(obj) {
    obj.status = { phase: 'Pending' };
  },
  validate: validatePVC,
  validateUpdate: validatePVCUpdate,
  // Kubernetes still accepts the pre-metadata `name` selector here.
  fieldSelectors: { name: (o) => o.metadata.name ?? '' },
  columns: [
    nameColumn,
    column('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
    column('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    column('Capacity', 'capacity represents the actual resources of the underlying volume.'),
    column('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    column('StorageClass', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
    ageColumn,
    column('VolumeMode', 'volumeMode defines what type of volume is required by the claim.', true),
  ],
  cells(obj, now) {
    const spec = objectOr(obj.spec);
    const status = objectOr(obj.status);
    // Capacity and modes describe the bound volume, so they stay blank until binding.
    const bound = !!spec.volumeName;
    const storage = objectOr(status.capacity).storage;
    return [
      obj.metadata.name,
      obj.metadata.deletionTimestamp ? 'Terminating' : String(status.phase ?? ''),
      String(spec.volumeName ?? ''),
      bound ? (storage === undefined ? '0' : canonicalQuantity(storage)) : '',
      bound ? accessModesString(status.accessModes) : '',
      storageClassOf(obj),
      isObject(spec) && spec.volumeAttributesClassName ? spec.volumeAttributesClassName : '<unset>',
      age(obj.metadata.creationTimestamp, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
};
