/** Ingress backends and typed references, shared by Ingress rules and IngressClass parameters. */
import { type FieldError, invalid, required } from '../../validation/field-errors.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPathSegmentName } from '../../validation/names.js';
import { isValidPortName, isValidPortNum } from '../../validation/ports.js';

export interface TypedReference {
  apiGroup?: string | null;
  kind?: string;
  name?: string;
}

export interface IngressBackend {
  service?: { name?: string; port?: { name?: string; number?: number } } | null;
  resource?: TypedReference | null;
}

/** validateIngressTypedLocalObjectReference. */
export function validateTypedReference(ref: TypedReference, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof ref.apiGroup === 'string') {
    for (const m of isDNS1123Subdomain(ref.apiGroup)) errs.push(invalid(`${field}.apiGroup`, ref.apiGroup, m));
  }
  for (const key of ['kind', 'name'] as const) {
    const v = ref[key] ?? '';
    if (v === '') errs.push(required(`${field}.${key}`, `${key} is required`));
    else for (const m of isValidPathSegmentName(v)) errs.push(invalid(`${field}.${key}`, v, m));
  }
  return errs;
}

/** validateIngressBackend: exactly one of service (name plus port name or number) and resource. */
export function validateIngressBackend(backend: IngressBackend, field: string): FieldError[] {
  const svc = backend.service;
  const res = backend.resource;
  if (svc && res) return [invalid(field, '', 'cannot set both resource and service backends')];
  if (res) return validateTypedReference(res, `${field}.resource`);
  if (!svc) return [invalid(field, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  const name = svc.name ?? '';
  if (name === '') errs.push(required(`${field}.service.name`));
  else for (const m of isDNS1035Label(name)) errs.push(invalid(`${field}.service.name`, name, m));
  const portName = svc.port?.name ?? '';
  const portNumber = svc.port?.number ?? 0;
  if (portName && portNumber) errs.push(invalid(field, '', 'cannot set both port name & port number'));
  else if (portName) for (const m of isValidPortName(portName)) errs.push(invalid(`${field}.service.port.name`, portName, m));
  else if (portNumber) for (const m of isValidPortNum(portNumber)) errs.push(invalid(`${field}.service.port.number`, portNumber, m));
  else errs.push(required(field, 'port name or number is required'));
  return errs;
}
