import { isIP } from 'node:net';
import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, invalid, notSupported, required } from '../../validation/field-errors.js';
import { isDNS1123Subdomain } from '../../validation/names.js';
import { ageColumn, nameColumn } from '../../common/columns.js';
import { invalidRendered } from '../../common/go-format.js';
import { type IngressBackend, validateIngressBackend } from './backend.js';

interface HTTPPath {
  path?: string;
  pathType?: string | null;
  backend?: IngressBackend;
}

interface IngressRule {
  host?: string;
  http?: { paths?: HTTPPath[] } | null;
}

export interface IngressSpec {
  ingressClassName?: string | null;
  defaultBackend?: IngressBackend | null;
  tls?: { hosts?: string[]; secretName?: string }[];
  rules?: IngressRule[] | null;
}

interface IngressStatus {
  loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] };
}

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];
const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];
const classAnnotation = 'kubernetes.io/ingress.class';

const wildcardFmt = '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const wildcardRe = new RegExp(`^${wildcardFmt}$`);

/** IsWildcardDNS1123Subdomain: `*.example.com`. */
export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!wildcardRe.test(value)) {
    errs.push(
      `a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '${wildcardFmt}')`,
    );
  }
  return errs;
}

function validateHost(host: string, field: string): FieldError[] {
  const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
  return msgs.map((m) => invalid(field, host, m));
}

function validatePath(p: HTTPPath, field: string): FieldError[] {
  if (p.pathType === undefined || p.pathType === null) return [required(`${field}.pathType`, 'pathType must be specified')];
  const errs: FieldError[] = [];
  const path = p.path ?? '';
  if (p.pathType === 'Exact' || p.pathType === 'Prefix') {
    if (!path.startsWith('/')) errs.push(invalid(`${field}.path`, path, 'must be an absolute path'));
    for (const seq of invalidPathSequences) {
      if (path.includes(seq)) errs.push(invalid(`${field}.path`, path, `must not contain '${seq}'`));
    }
    for (const suffix of invalidPathSuffixes) {
      if (path.endsWith(suffix)) errs.push(invalid(`${field}.path`, path, `cannot end with '${suffix}'`));
    }
  } else if (p.pathType === 'ImplementationSpecific') {
    if (path && !path.startsWith('/')) errs.push(invalid(`${field}.path`, path, 'must be an absolute path'));
  } else {
    errs.push(notSupported(`${field}.pathType`, p.pathType, pathTypes));
  }
  errs.push(...validateIngressBackend(p.backend ?? {}, `${field}.backend`));
  return errs;
}

function validateRules(rules: IngressRule[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((rule, i) => {
    const f = `${field}[${i}]`;
    const host = rule.host ?? '';
    if (host) {
      if (isIP(host)) errs.push(invalid(`${f}.host`, host, 'must be a DNS name, not an IP address'));
      errs.push(...validateHost(host, `${f}.host`));
    }
    if (rule.http) {
      const paths = rule.http.paths ?? [];
      if (paths.length === 0) errs.push(required(`${f}.http.paths`));
      paths.forEach((p, j) => errs.push(...validatePath(p, `${f}.http.paths[${j}]`)));
    }
  });
  return errs;
}

/** ValidateIngressSpec plus the class annotation rule of ValidateIngressCreate. */
export function validateIngress(obj: KubeObject): FieldError[] {
  const spec = (obj.spec ?? {}) as IngressSpec;
  const errs: FieldError[] = [];
  const rules = spec.rules ?? [];
  if (rules.length === 0 && !spec.defaultBackend) {
    const rendered = spec.rules ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)';
    errs.push(invalidRendered('spec', rendered, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (spec.defaultBackend) errs.push(...validateIngressBackend(spec.defaultBackend, 'spec.defaultBackend'));
  if (rules.length) errs.push(...validateRules(rules, 'spec.rules'));
  (spec.tls ?? []).forEach((tls, i) => {
    (tls.hosts ?? []).forEach((h, j) => errs.push(...validateHost(h, `spec.tls[${i}].hosts[${j}]`)));
    if (tls.secretName) {
      for (const m of isDNS1123Subdomain(tls.secretName)) errs.push(invalid(`spec.tls[${i}].secretName`, tls.secretName, m));
    }
  });
  if (typeof spec.ingressClassName === 'string') {
    for (const m of isDNS1123Subdomain(spec.ingressClassName)) errs.push(invalid('spec.ingressClassName', spec.ingressClassName, m));
  }
  const annotation = obj.metadata.annotations?.[classAnnotation];
  if (annotation !== undefined && typeof spec.ingressClassName === 'string' && annotation !== spec.ingressClassName) {
    errs.push(invalid(`annotations.${classAnnotation}`, annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

/** HOSTS: the first three hosts, `*` when rules name none. */
export function formatHosts(rules: IngressRule[]): string {
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - max} more...` : list.join(',');
}

/** ADDRESS: load-balancer IPs or hostnames, de-duplicated and sorted (never clipped server-side). */
export function formatAddress(status: IngressStatus | undefined): string {
  const set = new Set<string>();
  for (const lb of status?.loadBalancer?.ingress ?? []) {
    if (lb.ip) set.add(lb.ip);
    else if (lb.hostname) set.add(lb.hostname);
  }
  return [...set].sort().join(',');
}

export const ingresses: ResourceDefinition = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  plural: 'ingresses',
  singular: 'ingress',
  namespaced: true,
  shortNames: ['ing'],
  statusSubresource: true,
  tracksGeneration: true,
  protobufMessage: 'k8s.io.api.networking.v1.Ingress',
  // loadBalancer is a struct, so even an empty status shows it.
  prepareForCreate: (obj) => {
    obj.status = { loadBalancer: {} };
  },
  validate: validateIngress,
  columns: [
    nameColumn,
    { name: 'Class', type: 'string', description: 'The name of the IngressClass resource that should be used for additional configuration' },
    { name: 'Hosts', type: 'string', description: 'Hosts that incoming requests are matched against before the ingress rule' },
    { name: 'Address', type: 'string', description: 'Address is a list containing ingress points for the load-balancer' },
    { name: 'Ports', type: 'string', description: 'Ports of TLS configurations that open' },
    ageColumn,
  ],
  cells: (obj, now) => {
    const spec = (obj.spec ?? {}) as IngressSpec;
    return [
      obj.metadata.name,
      spec.ingressClassName ?? '<none>',
      formatHosts(spec.rules ?? []),
      formatAddress(obj.status as IngressStatus | undefined),
      (spec.tls ?? []).length ? '80, 443' : '80',
      age(obj.metadata.creationTimestamp, now),
    ];
  },
};
