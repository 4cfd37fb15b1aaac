import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject, LabelSelector } from '../../types.js';
import { type FieldError, forbidden, invalid, notSupported, required } from '../../validation/field-errors.js';
import { isValidCIDR } from '../../validation/ip.js';
import { isValidPortName, isValidPortNum } from '../../validation/ports.js';
import { ageColumn, nameColumn } from '../../common/columns.js';
import { goQuote, invalidRendered } from '../../common/go-format.js';
import { formatSelector, validateLabelSelector } from '../../common/label-selector.js';

interface NetworkPolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

interface NetworkPolicyPeer {
  podSelector?: LabelSelector | null;
  namespaceSelector?: LabelSelector | null;
  ipBlock?: { cidr?: string; except?: string[] } | null;
}

interface NetworkPolicySpec {
  podSelector?: LabelSelector;
  ingress?: { ports?: NetworkPolicyPort[]; from?: NetworkPolicyPeer[] }[];
  egress?: { ports?: NetworkPolicyPort[]; to?: NetworkPolicyPeer[] }[];
  policyTypes?: string[];
}

function specOf(obj: KubeObject): NetworkPolicySpec {
  if (obj.spec === null || typeof obj.spec !== 'object') obj.spec = {};
  return obj.spec as NetworkPolicySpec;
}

/** SetDefaults_NetworkPolicy: ports default to TCP; policyTypes follow the rules present. */
export function defaultNetworkPolicy(obj: KubeObject): void {
  const spec = specOf(obj);
  // podSelector is a required struct: Go decodes a missing one as {} and prints it.
  spec.podSelector ??= {};
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const port of rule.ports ?? []) port.protocol ??= 'TCP';
  }
  if (!spec.policyTypes?.length) {
    spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

function validatePort(port: NetworkPolicyPort, f: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) {
    errs.push(notSupported(`${f}.protocol`, port.protocol, ['TCP', 'UDP', 'SCTP']));
  }
  const hasEnd = port.endPort !== undefined && port.endPort !== null;
  if (typeof port.port === 'number') {
    for (const m of isValidPortNum(port.port)) errs.push(invalid(`${f}.port`, port.port, m));
    if (hasEnd) {
      if (port.endPort! < port.port) errs.push(invalid(`${f}.endPort`, port.port, 'must be greater than or equal to `port`'));
      for (const m of isValidPortNum(port.endPort)) errs.push(invalid(`${f}.endPort`, port.endPort, m));
    }
  } else if (typeof port.port === 'string') {
    if (hasEnd) errs.push(invalid(`${f}.endPort`, port.endPort, 'may not be specified when `port` is non-numeric'));
    for (const m of isValidPortName(port.port)) errs.push(invalid(`${f}.port`, port.port, m));
  } else if (hasEnd) {
    errs.push(invalid(`${f}.endPort`, port.endPort, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

function cidrParts(cidr: string): { bits: bigint; len: number; width: number } | undefined {
  if (isValidCIDR(cidr).length) return undefined;
  const [addr, prefix] = cidr.split('/') as [string, string];
  if (addr.includes(':')) {
    const [head, tail = ''] = addr.split('::') as [string, string?];
    const h = head ? head.split(':') : [];
    const t = addr.includes('::') && tail ? tail.split(':') : [];
    const groups = addr.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return { bits: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n), len: Number(prefix), width: 128 };
  }
  return { bits: addr.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n), len: Number(prefix), width: 32 };
}

function validateIPBlock(block: NonNullable<NetworkPolicyPeer['ipBlock']>, f: string): FieldError[] {
  const cidr = block.cidr ?? '';
  if (cidr === '') return [required(`${f}.cidr`)];
  const errs = isValidCIDR(cidr).map((m) => invalid(`${f}.cidr`, cidr, m));
  const outer = cidrParts(cidr);
  if (!outer) return errs;
  (block.except ?? []).forEach((ex, i) => {
    const ef = `${f}.except[${i}]`;
    errs.push(...isValidCIDR(ex).map((m) => invalid(ef, ex, m)));
    const inner = cidrParts(ex);
    if (!inner) return;
    const shift = BigInt(outer.width - outer.len);
    const contains = inner.width === outer.width && inner.bits >> shift === outer.bits >> shift;
    if (!contains || outer.len >= inner.len) errs.push(invalid(ef, ex, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validatePeer(peer: NetworkPolicyPeer, f: string): FieldError[] {
  const errs: FieldError[] = [];
  let peers = 0;
  if (peer.podSelector) {
    peers++;
    errs.push(...validateLabelSelector(peer.podSelector, `${f}.podSelector`));
  }
  if (peer.namespaceSelector) {
    peers++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${f}.namespaceSelector`));
  }
  if (peer.ipBlock) {
    peers++;
    errs.push(...validateIPBlock(peer.ipBlock, `${f}.ipBlock`));
  }
  if (peers === 0) errs.push(required(f, 'must specify a peer'));
  else if (peers > 1 && peer.ipBlock) errs.push(forbidden(f, 'may not specify both ipBlock and another peer'));
  return errs;
}

export function validateNetworkPolicy(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = validateLabelSelector(spec.podSelector, 'spec.podSelector');
  (spec.ingress ?? []).forEach((rule, i) => {
    (rule.ports ?? []).forEach((p, j) => errs.push(...validatePort(p, `spec.ingress[${i}].ports[${j}]`)));
    (rule.from ?? []).forEach((p, j) => errs.push(...validatePeer(p, `spec.ingress[${i}].from[${j}]`)));
  });
  (spec.egress ?? []).forEach((rule, i) => {
    (rule.ports ?? []).forEach((p, j) => errs.push(...validatePort(p, `spec.egress[${i}].ports[${j}]`)));
    (rule.to ?? []).forEach((p, j) => errs.push(...validatePeer(p, `spec.egress[${i}].to[${j}]`)));
  });
  const types = spec.policyTypes ?? [];
  if (types.length > 2) {
    const rendered = `[]networking.PolicyType{${types.map((t) => goQuote(t)).join(', ')}}`;
    return [...errs, invalidRendered('spec.policyTypes', rendered, 'may not specify more than two policyTypes')];
  }
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') errs.push(notSupported(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress']));
  });
  return errs;
}

export const networkPolicies: ResourceDefinition = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  singular: 'networkpolicy',
  namespaced: true,
  shortNames: ['netpol'],
  tracksGeneration: true,
  protobufMessage: 'k8s.io.api.networking.v1.NetworkPolicy',
  defaults: defaultNetworkPolicy,
  validate: validateNetworkPolicy,
  columns: [
    nameColumn,
    { name: 'Pod-Selector', type: 'string', description: 'Selects the pods to which this NetworkPolicy object applies.' },
    ageColumn,
  ],
  cells: (obj, now) => [obj.metadata.name, formatSelector(specOf(obj).podSelector ?? {}), age(obj.metadata.creationTimestamp, now)],
};
