/** Pieces PersistentVolumes and PersistentVolumeClaims share. */
import type { KubeObject } from '../../types.js';
import { type FieldError, forbidden, notSupported, required } from '../../validation/field-errors.js';
import { type JsonObject, objectOr, stringsOf } from './json.js';

export const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const volumeModes = ['Block', 'Filesystem'];

/** Access modes in kubectl's short form, in its fixed order: `RWO,ROX,RWX,RWOP`. */
export function accessModesString(modes: unknown): string {
  const set = new Set(stringsOf(modes));
  const short: [string, string][] = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return short.filter(([m]) => set.has(m)).map(([, s]) => s).join(',');
}

export function validateAccessModes(modes: unknown, field: string, requiredDetail = ''): FieldError[] {
  const list = stringsOf(modes);
  if (list.length === 0) return [required(field, requiredDetail)];
  const errs: FieldError[] = [];
  for (const m of list) if (!accessModes.includes(m)) errs.push(notSupported(field, m, accessModes));
  if (list.includes('ReadWriteOncePod') && list.length > 1) errs.push(forbidden(field, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

export function validateVolumeMode(mode: unknown, field: string): FieldError[] {
  return mode === undefined || volumeModes.includes(mode as string) ? [] : [notSupported(field, mode, volumeModes)];
}

/** The beta annotation still wins over spec.storageClassName, as in Kubernetes' helpers. */
export function storageClassOf(obj: KubeObject): string {
  const ann = obj.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  if (ann !== undefined) return ann;
  return String((objectOr(obj.spec) as JsonObject).storageClassName ?? '');
}
