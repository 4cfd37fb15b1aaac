import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { canonicalQuantity, formatQuantity } from '../../quantity.js';
import { type FieldError, forbidden, immutable, invalid, notSupported, required } from '../../validation/field-errors.js';
import { isDNS1123Subdomain } from '../../validation/names.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { ensureObject, isObject, jsonEqual, objectOr } from './json.js';
import { checkQuantity } from './resources.js';
import { accessModesString, storageClassOf, validateAccessModes, validateVolumeMode } from './storage-common.js';

const reclaimPolicies = ['Delete', 'Recycle', 'Retain'];
const pvSources = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs', 'fc',
  'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk',
  'portworxVolume', 'scaleIO', 'local', 'storageos', 'csi',
];

function sourcesOf(spec: Record<string, unknown>): string[] {
  return pvSources.filter((k) => isObject(spec[k]));
}

function validatePV(obj: KubeObject): FieldError[] {
  const spec = objectOr(obj.spec);
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  const capacity = objectOr(spec.capacity);
  if (Object.keys(capacity).length === 0) errs.push(required('spec.capacity'));
  else if (!('storage' in capacity) || Object.keys(capacity).length > 1) {
    errs.push(notSupported('spec.capacity', Object.keys(capacity).join(','), ['storage']));
  }
  for (const [name, value] of Object.entries(capacity)) {
    const q = checkQuantity(value, `spec.capacity[${name}]`, errs);
    if (q && q.nanos === 0n) errs.push(invalid(`spec.capacity[${name}]`, formatQuantity(q), 'must be greater than zero'));
  }
  if (spec.persistentVolumeReclaimPolicy && !reclaimPolicies.includes(spec.persistentVolumeReclaimPolicy)) {
    errs.push(notSupported('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, reclaimPolicies));
  }
  if (spec.storageClassName) for (const m of isDNS1123Subdomain(String(spec.storageClassName))) errs.push(invalid('spec.storageClassName', spec.storageClassName, m));
  errs.push(...validateVolumeMode(spec.volumeMode, 'spec.volumeMode'));
  const sources = sourcesOf(spec);
  if (sources.length === 0) errs.push(required('spec', 'must specify a volume type'));
  for (const extra of sources.slice(1)) errs.push(forbidden(`spec.${extra}`, 'may not specify more than 1 volume type'));
  for (const key of ['hostPath', 'local']) {
    if (isObject(spec[key]) && !spec[key].path) errs.push(required(`spec.${key}.path`));
  }
  if (isObject(spec.local) && !isObject(spec.nodeAffinity)) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  if (isObject(spec.nfs)) {
    if (!spec.nfs.server) errs.push(required('spec.nfs.server'));
    if (!spec.nfs.path) errs.push(required('spec.nfs.path'));
  }
  if (isObject(spec.csi)) {
    if (!spec.csi.driver) errs.push(required('spec.csi.driver'));
    if (!spec.csi.volumeHandle) errs.push(required('spec.csi.volumeHandle'));
  }
  return errs;
}

function validatePVUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = objectOr(obj.spec);
  const oldSpec = objectOr(old.spec);
  const source = (s: Record<string, unknown>) => Object.fromEntries(pvSources.map((k) => [k, s[k]]));
  if (!jsonEqual(source(spec), source(oldSpec))) {
    errs.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  }
  if (spec.volumeMode !== oldSpec.volumeMode) errs.push(immutable('spec.volumeMode', spec.volumeMode));
  if (oldSpec.nodeAffinity !== undefined && !jsonEqual(spec.nodeAffinity, oldSpec.nodeAffinity)) {
    errs.push(invalid('spec.nodeAffinity', 'core.VolumeNodeAffinity', 'field is immutable'));
  }
  return errs;
}

export const persistentVolumes: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  statusSubresource: true,
  protobufMessage: 'k8s.io.api.core.v1.PersistentVolume',
  defaults(obj) {
    const spec = ensureObject(obj, 'spec');
    if (!spec.persistentVolumeReclaimPolicy) spec.persistentVolumeReclaimPolicy = 'Retain';
    if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
    const status = ensureObject(obj, 'status');
    if (!status.phase) status.phase = 'Pending';
  },
  prepareForCreate(obj) {
    // The PV controller owns status; a new volume waits Pending until it marks it Available.
    obj.status = { phase: 'Pending' };
  },
  validate: validatePV,
  validateUpdate: validatePVUpdate,
  // Kubernetes still accepts the pre-metadata `name` selector here.
  fieldSelectors: { name: (o) => o.metadata.name ?? '' },
  columns: [
    nameColumn,
    column('Capacity', 'capacity is the description of the persistent volume\'s resources and capacity.'),
    column('Access Modes', 'accessModes contains all ways the volume can be mounted.'),
    column('Reclaim Policy', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
    column('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    column('Claim', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
    column('StorageClass', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
    column('Reason', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
    ageColumn,
    column('VolumeMode', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', true),
  ],
  cells(obj, now) {
    const spec = objectOr(obj.spec);
    const status = objectOr(obj.status);
    const claim = isObject(spec.claimRef) ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
    const storage = objectOr(spec.capacity).storage;
    return [
      obj.metadata.name,
      storage === undefined ? '0' : canonicalQuantity(storage),
      accessModesString(spec.accessModes),
      String(spec.persistentVolumeReclaimPolicy ?? ''),
      obj.metadata.deletionTimestamp ? 'Terminating' : String(status.phase ?? ''),
      claim,
      storageClassOf(obj),
      spec.volumeAttributesClassName ?? '<unset>',
      String(status.reason ?? ''),
      age(obj.metadata.creationTimestamp, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
};
