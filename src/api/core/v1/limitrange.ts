import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import type { KubeObject } from '../../types.js';
import { type Quantity, compareQuantities, formatQuantity, parseQuantity } from '../../quantity.js';
import { type FieldError, duplicate, forbidden, required } from '../../validation/field-errors.js';
import { isQualifiedName } from '../../validation/names.js';
import { type JsonObject, isObject, objectOr, objectsOf } from './json.js';
import { isExtendedResource, validateResourceList } from './resources.js';

const standardLimitTypes = new Set(['Container', 'Pod', 'PersistentVolumeClaim']);
const lists = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

/** Quantities print unquoted in these messages (Go's Stringer formatting). */
function bad(field: string, q: Quantity, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: `Invalid value: ${formatQuantity(q)}: ${detail}` };
}

/** SetDefaults_LimitRangeItem: container defaults fall back to max, default requests to default then min. */
function defaultItem(item: JsonObject): void {
  if (item.type !== 'Container') return;
  const def: JsonObject = { ...objectOr(item.max), ...objectOr(item.default) };
  const defReq: JsonObject = { ...objectOr(item.min), ...def, ...objectOr(item.defaultRequest) };
  if (Object.keys(def).length) item.default = def;
  if (Object.keys(defReq).length) item.defaultRequest = defReq;
}

function compareKeys(parsed: Record<(typeof lists)[number], Map<string, Quantity>>, f: string, errs: FieldError[]): void {
  const { max, min, default: def, defaultRequest: req, maxLimitRequestRatio: ratio } = parsed;
  const keys = new Set(lists.flatMap((l) => [...parsed[l].keys()]));
  const one = parseQuantity('1');
  for (const k of keys) {
    const mn = min.get(k), mx = max.get(k), d = def.get(k), r = req.get(k), ra = ratio.get(k);
    const s = formatQuantity;
    if (mn && mx && compareQuantities(mn, mx) > 0) errs.push(bad(`${f}.min[${k}]`, mn, `min value ${s(mn)} is greater than max value ${s(mx)}`));
    if (r && mn && compareQuantities(mn, r) > 0) errs.push(bad(`${f}.defaultRequest[${k}]`, r, `min value ${s(mn)} is greater than default request value ${s(r)}`));
    if (r && mx && compareQuantities(r, mx) > 0) errs.push(bad(`${f}.defaultRequest[${k}]`, r, `default request value ${s(r)} is greater than max value ${s(mx)}`));
    if (r && d && compareQuantities(r, d) > 0) errs.push(bad(`${f}.defaultRequest[${k}]`, r, `default request value ${s(r)} is greater than default limit value ${s(d)}`));
    if (d && mn && compareQuantities(mn, d) > 0) errs.push(bad(`${f}.default[${k}]`, mn, `min value ${s(mn)} is greater than default value ${s(d)}`));
    if (d && mx && compareQuantities(d, mx) > 0) errs.push(bad(`${f}.default[${k}]`, mx, `default value ${s(d)} is greater than max value ${s(mx)}`));
    if (ra && compareQuantities(ra, one) < 0) errs.push(bad(`${f}.maxLimitRequestRatio[${k}]`, ra, `ratio ${s(ra)} is less than 1`));
    if (isExtendedResource(k) && d && r && compareQuantities(d, r) !== 0) {
      errs.push(bad(`${f}.defaultRequest[${k}]`, r, `default value ${s(d)} must equal to defaultRequest value ${s(r)} in ${k}`));
    }
  }
}

function validateLimitRange(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const types = new Set<string>();
  for (const [i, item] of objectsOf(objectOr(obj.spec).limits).entries()) {
    const f = `spec.limits[${i}]`;
    const type = String(item.type ?? '');
    for (const m of isQualifiedName(type)) errs.push({ type: 'FieldValueInvalid', field: `${f}.type`, message: `Invalid value: ${JSON.stringify(type)}: ${m}` });
    if (!type.includes('/') && type && !standardLimitTypes.has(type)) {
      errs.push({ type: 'FieldValueInvalid', field: `${f}.type`, message: `Invalid value: ${JSON.stringify(type)}: must be a standard limit type or fully qualified` });
    }
    if (types.has(type)) errs.push(duplicate(`${f}.type`, type));
    types.add(type);
    const parsed = Object.fromEntries(lists.map((l) => [l, validateResourceList(item[l], `${f}.${l}`, errs)])) as Record<(typeof lists)[number], Map<string, Quantity>>;
    if (type === 'Pod') {
      for (const l of ['default', 'defaultRequest']) {
        if (isObject(item[l]) && Object.keys(item[l]).length) errs.push(forbidden(`${f}.${l}`, "may not be specified when `type` is 'Pod'"));
      }
    }
    if (type === 'PersistentVolumeClaim' && !parsed.min.has('storage') && !parsed.max.has('storage')) {
      errs.push(required(`${f}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
    }
    compareKeys(parsed, f, errs);
  }
  return errs;
}

/** LimitRanges have no printer in Kubernetes: tables show the default Name and Created At. */
export const limitRanges: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  plural: 'limitranges',
  singular: 'limitrange',
  namespaced: true,
  shortNames: ['limits'],
  protobufMessage: 'k8s.io.api.core.v1.LimitRange',
  defaults(obj) {
    for (const item of objectsOf(objectOr(obj.spec).limits)) defaultItem(item);
  },
  validate: validateLimitRange,
};
