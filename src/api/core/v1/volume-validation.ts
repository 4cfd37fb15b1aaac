/** Validation of `spec.volumes` (validateVolumes): names and exactly one well-formed source. */
import { type FieldError, duplicate, forbidden, invalid, required } from '../../validation/field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../validation/names.js';
import { type JsonObject, isObject, objectsOf } from './json.js';
import { volumeSources } from './pod-spec-defaults.js';

/** Per-source required fields, by source key. */
const requiredFields: Record<string, string[]> = {
  hostPath: ['path'],
  nfs: ['server', 'path'],
  persistentVolumeClaim: ['claimName'],
  iscsi: ['targetPortal', 'iqn'],
  csi: ['driver'],
  image: ['reference'],
};

function validateKeyToPaths(items: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, item] of objectsOf(items).entries()) {
    if (!item.key) errs.push(required(`${field}[${i}].key`));
    if (!item.path) errs.push(required(`${field}[${i}].path`));
    else if (String(item.path).startsWith('/')) errs.push(invalid(`${field}[${i}].path`, item.path, 'must be a relative path'));
    else if (String(item.path).split('/').includes('..')) errs.push(invalid(`${field}[${i}].path`, item.path, "must not contain '..'"));
  }
  return errs;
}

function validateMode(mode: unknown, field: string): FieldError[] {
  if (mode === undefined || mode === null) return [];
  return Number.isInteger(mode) && (mode as number) >= 0 && (mode as number) <= 0o777
    ? []
    : [invalid(field, mode, 'must be a number between 0 and 0777 (octal), both inclusive')];
}

function validateSource(key: string, src: JsonObject, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of requiredFields[key] ?? []) if (!src[f]) errs.push(required(`${field}.${f}`));
  if (key === 'configMap' && !src.name) errs.push(required(`${field}.name`));
  if (key === 'secret' && src.secretName) {
    for (const m of isDNS1123Subdomain(String(src.secretName))) errs.push(invalid(`${field}.secretName`, src.secretName, m));
  }
  if (key === 'secret' && !src.secretName) errs.push(required(`${field}.secretName`));
  if (key === 'configMap' || key === 'secret') errs.push(...validateKeyToPaths(src.items, `${field}.items`));
  if (['configMap', 'secret', 'downwardAPI', 'projected'].includes(key)) errs.push(...validateMode(src.defaultMode, `${field}.defaultMode`));
  if (key === 'hostPath') {
    const types = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
    if (src.type !== undefined && !types.includes(src.type)) {
      errs.push({ type: 'FieldValueNotSupported', field: `${field}.type`, message: `Unsupported value: ${JSON.stringify(src.type)}: supported values: ${types.map((t) => JSON.stringify(t)).join(', ')}` });
    }
    if (typeof src.path === 'string' && src.path.split('/').includes('..')) errs.push(invalid(`${field}.path`, src.path, "must not contain '..'"));
  }
  if (key === 'emptyDir' && src.medium !== undefined && !['', 'Memory', 'HugePages'].includes(src.medium) && !String(src.medium).startsWith('HugePages-')) {
    errs.push(invalid(`${field}.medium`, src.medium, 'must be one of "", "Memory", "HugePages"'));
  }
  return errs;
}

/** Validates the volumes and returns their names for the volumeMount checks. */
export function validateVolumes(volumes: unknown, field: string, errs: FieldError[]): Set<string> {
  const names = new Set<string>();
  for (const [i, v] of objectsOf(volumes).entries()) {
    const f = `${field}[${i}]`;
    if (!v.name) errs.push(required(`${f}.name`));
    else {
      for (const m of isDNS1123Label(String(v.name))) errs.push(invalid(`${f}.name`, v.name, m));
      if (names.has(v.name)) errs.push(duplicate(`${f}.name`, v.name));
      names.add(v.name);
    }
    const sources = volumeSources(v);
    if (sources.length === 0) errs.push(required(f, 'must specify a volume type'));
    for (const extra of sources.slice(1)) errs.push(forbidden(`${f}.${extra}`, 'may not specify more than 1 volume type'));
    const first = sources[0];
    if (first && isObject(v[first])) errs.push(...validateSource(first, v[first], `${f}.${first}`));
  }
  return names;
}
