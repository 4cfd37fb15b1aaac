import { isIPv4, isIPv6 } from 'node:net';
import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, duplicate, invalid, notSupported, required, tooMany } from '../../validation/field-errors.js';
import { isValidIP, validateNonSpecialIP } from '../../validation/ip.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../validation/names.js';
import { validateLabels } from '../../validation/object-meta.js';
import { immutableField } from '../../common/checks.js';
import { ageColumn, nameColumn } from '../../common/columns.js';

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];
const protocols = ['SCTP', 'TCP', 'UDP'];
const maxEndpoints = 1000;
const maxAddresses = 100;
const maxPorts = 20000;
const maxTopologyLabels = 16;

interface Endpoint {
  addresses?: string[];
  nodeName?: string | null;
  hostname?: string | null;
  deprecatedTopology?: Record<string, string>;
}

interface EndpointPort {
  name?: string | null;
  protocol?: string | null;
  port?: number | null;
  appProtocol?: string | null;
}

function endpointsOf(obj: KubeObject): Endpoint[] {
  return Array.isArray(obj.endpoints) ? (obj.endpoints as Endpoint[]) : [];
}

function portsOf(obj: KubeObject): EndpointPort[] {
  return Array.isArray(obj.ports) ? (obj.ports as EndpointPort[]) : [];
}

/** IsFullyQualifiedDomainName (a trailing dot is allowed). */
function validateFQDN(name: string, field: string): FieldError[] {
  if (!name) return [required(field)];
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const sub = isDNS1123Subdomain(n);
  if (sub.length) return [invalid(field, n, sub.join(','))];
  if (n.split('.').length < 2) return [invalid(field, n, 'should be a domain with at least two segments separated by dots')];
  for (const label of n.split('.')) {
    const errs = isDNS1123Label(label);
    if (errs.length) return [invalid(field, label, errs.join(','))];
  }
  return [];
}

function validateAddress(address: string, addressType: unknown, field: string): FieldError[] {
  if (addressType === 'FQDN') return validateFQDN(address, field);
  if (addressType !== 'IPv4' && addressType !== 'IPv6') return [];
  const ipErrs = isValidIP(address).map((m) => invalid(field, address, m));
  if (ipErrs.length) return ipErrs;
  const wantV4 = addressType === 'IPv4';
  if (wantV4 ? !isIPv4(address) : !isIPv6(address)) {
    return [invalid(field, address, wantV4 ? 'must be an IPv4 address' : 'must be an IPv6 address')];
  }
  return validateNonSpecialIP(address, field);
}

function validateEndpoints(obj: KubeObject): FieldError[] {
  const endpoints = endpointsOf(obj);
  if (endpoints.length > maxEndpoints) return [tooMany('endpoints', endpoints.length, maxEndpoints)];
  const errs: FieldError[] = [];
  endpoints.forEach((ep, i) => {
    const f = `endpoints[${i}]`;
    const addresses = ep.addresses ?? [];
    if (addresses.length === 0) errs.push(required(`${f}.addresses`, 'must contain at least 1 address'));
    else if (addresses.length > maxAddresses) errs.push(tooMany(`${f}.addresses`, addresses.length, maxAddresses));
    addresses.forEach((a, j) => errs.push(...validateAddress(a, obj.addressType, `${f}.addresses[${j}]`)));
    if (typeof ep.nodeName === 'string') {
      for (const m of isDNS1123Subdomain(ep.nodeName)) errs.push(invalid(`${f}.nodeName`, ep.nodeName, m));
    }
    const topology = ep.deprecatedTopology ?? {};
    if (Object.keys(topology).length > maxTopologyLabels) {
      errs.push(tooMany(`${f}.deprecatedTopology`, Object.keys(topology).length, maxTopologyLabels));
    }
    errs.push(...validateLabels(topology, `${f}.deprecatedTopology`));
    if (typeof ep.hostname === 'string') {
      for (const m of isDNS1123Label(ep.hostname)) errs.push(invalid(`${f}.hostname`, ep.hostname, m));
    }
  });
  return errs;
}

function validatePorts(obj: KubeObject): FieldError[] {
  const ports = portsOf(obj);
  if (ports.length > maxPorts) return [tooMany('ports', ports.length, maxPorts)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const f = `ports[${i}]`;
    const name = p.name ?? '';
    if (name) for (const m of isDNS1123Label(name)) errs.push(invalid(`${f}.name`, name, m));
    if (names.has(name)) errs.push(duplicate(`${f}.name`, name));
    names.add(name);
    if (p.protocol === undefined || p.protocol === null) errs.push(required(`${f}.protocol`));
    else if (!protocols.includes(p.protocol)) errs.push(notSupported(`${f}.protocol`, p.protocol, protocols));
    if (typeof p.appProtocol === 'string') {
      for (const m of isQualifiedName(p.appProtocol)) errs.push(invalid(`${f}.appProtocol`, p.appProtocol, m));
    }
  });
  return errs;
}

/** ValidateEndpointSlice beyond ObjectMeta. */
export function validateEndpointSlice(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const t = obj.addressType;
  if (t === undefined || t === null || t === '') errs.push(required('addressType'));
  else if (!addressTypes.includes(String(t))) errs.push(notSupported('addressType', t, addressTypes));
  return [...errs, ...validateEndpoints(obj), ...validatePorts(obj)];
}

/** The first three items, then ` + N more...`; `<unset>` when there are none. */
function listWithMore(items: string[], max = 3): string {
  if (items.length === 0) return '<unset>';
  if (items.length <= max) return items.join(',');
  return `${items.slice(0, max).join(',')} + ${items.length - max} more...`;
}

export const endpointSlices: ResourceDefinition = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  tracksGeneration: true,
  protobufMessage: 'k8s.io.api.discovery.v1.EndpointSlice',
  defaults: (obj) => {
    // endpoints is not omitempty: a slice with none prints `endpoints: null`.
    if (obj.endpoints === undefined) obj.endpoints = null;
    for (const p of portsOf(obj)) {
      p.name ??= '';
      p.protocol ??= 'TCP';
    }
  },
  validate: validateEndpointSlice,
  validateUpdate: (obj, old) => immutableField(obj.addressType, old.addressType, 'addressType'),
  columns: [
    nameColumn,
    { name: 'AddressType', type: 'string', description: 'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type.' },
    { name: 'Ports', type: 'string', description: 'ports specifies the list of network ports exposed by each endpoint in this slice.' },
    { name: 'Endpoints', type: 'string', description: 'endpoints is a list of unique endpoints in this slice.' },
    ageColumn,
  ],
  cells: (obj, now) => [
    obj.metadata.name,
    obj.addressType ?? '',
    listWithMore(portsOf(obj).map((p) => (typeof p.port === 'number' ? String(p.port) : p.name ? p.name : '*'))),
    listWithMore(endpointsOf(obj).flatMap((e) => e.addresses ?? [])),
    age(obj.metadata.creationTimestamp, now),
  ],
};
