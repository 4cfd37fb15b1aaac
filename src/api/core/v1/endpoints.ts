import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, invalid, required } from '../../validation/field-errors.js';
import { isValidIP, validateNonSpecialIP } from '../../validation/ip.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../validation/names.js';
import { isValidPortNum, validateProtocol } from '../../validation/ports.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { type JsonObject, objectsOf } from './json.js';

function validateAddress(a: JsonObject, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const msgs = isValidIP(String(a.ip ?? ''));
  for (const m of msgs) errs.push(invalid(`${field}.ip`, a.ip ?? '', m));
  if (msgs.length === 0) errs.push(...validateNonSpecialIP(a.ip, `${field}.ip`));
  if (a.hostname) for (const m of isDNS1123Label(String(a.hostname))) errs.push(invalid(`${field}.hostname`, a.hostname, m));
  if (a.nodeName) for (const m of isDNS1123Subdomain(String(a.nodeName))) errs.push(invalid(`${field}.nodeName`, a.nodeName, m));
  return errs;
}

function validateEndpoints(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, ss] of objectsOf(obj.subsets).entries()) {
    const f = `subsets[${i}]`;
    for (const [j, a] of objectsOf(ss.addresses).entries()) errs.push(...validateAddress(a, `${f}.addresses[${j}]`));
    for (const [j, a] of objectsOf(ss.notReadyAddresses).entries()) errs.push(...validateAddress(a, `${f}.notReadyAddresses[${j}]`));
    const ports = objectsOf(ss.ports);
    for (const [j, p] of ports.entries()) {
      const pf = `${f}.ports[${j}]`;
      if (ports.length > 1 && !p.name) errs.push(required(`${pf}.name`));
      else if (p.name) for (const m of isDNS1123Label(String(p.name))) errs.push(invalid(`${pf}.name`, p.name, m));
      for (const m of isValidPortNum(p.port)) errs.push(invalid(`${pf}.port`, p.port ?? 0, m));
      errs.push(...validateProtocol(p.protocol, `${pf}.protocol`));
    }
  }
  return errs;
}

/** `ip:port` for every address and port, the first three then `+ N more...` (formatEndpoints). */
export function formatEndpoints(obj: KubeObject): string {
  const subsets = objectsOf(obj.subsets);
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addrs = objectsOf(ss.addresses).map((a) => String(a.ip));
    const ports = objectsOf(ss.ports);
    // Headless services may have addresses without ports.
    const targets = ports.length === 0 ? addrs.map((ip) => ip) : ports.flatMap((p) => addrs.map((ip) => (ip.includes(':') ? `[${ip}]:${p.port}` : `${ip}:${p.port}`)));
    count += targets.length;
    for (const t of targets) if (list.length < max) list.push(t);
  }
  return count > max ? `${list.join(',')} + ${count - max} more...` : list.join(',');
}

export const endpoints: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  protobufMessage: 'k8s.io.api.core.v1.Endpoints',
  defaults(obj) {
    for (const ss of objectsOf(obj.subsets)) for (const p of objectsOf(ss.ports)) if (!p.protocol) p.protocol = 'TCP';
  },
  validate: validateEndpoints,
  columns: [nameColumn, column('Endpoints', 'The set of all endpoints is the union of all subsets.'), ageColumn],
  cells: (obj, now) => [obj.metadata.name, formatEndpoints(obj), age(obj.metadata.creationTimestamp, now)],
};
