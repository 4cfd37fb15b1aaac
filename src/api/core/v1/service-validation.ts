/** ValidateService / ValidateServiceUpdate. */
import { type FieldError, type FieldErrorType, duplicate, forbidden, invalid, notSupported, required } from '../../validation/field-errors.js';
import { isValidIP, validateNonSpecialIP } from '../../validation/ip.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../validation/names.js';
import { validateLabels } from '../../validation/object-meta.js';
import { isValidPortNum, validatePortNumOrName, validateProtocol } from '../../validation/ports.js';
import { type JsonObject, goStringSlice, objectOr, objectsOf, stringsOf } from './json.js';

export const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const affinities = ['ClientIP', 'None'];
const kubeletPort = 10250;

function validatePorts(spec: JsonObject, errs: FieldError[]): void {
  const ports = objectsOf(spec.ports);
  const names = new Set<string>();
  const seen = new Set<string>();
  const nodePorts = new Set<string>();
  for (const [i, p] of ports.entries()) {
    const f = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errs.push(required(`${f}.name`));
    else if (p.name) {
      for (const m of isDNS1123Label(String(p.name))) errs.push(invalid(`${f}.name`, p.name, m));
      if (names.has(p.name)) errs.push(duplicate(`${f}.name`, p.name));
      names.add(p.name);
    }
    for (const m of isValidPortNum(p.port)) errs.push(invalid(`${f}.port`, p.port ?? 0, m));
    errs.push(...validateProtocol(p.protocol, `${f}.protocol`));
    errs.push(...validatePortNumOrName(p.targetPort, `${f}.targetPort`));
    if (spec.type === 'ClusterIP' && p.nodePort) errs.push(forbidden(`${f}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    if (spec.type === 'LoadBalancer' && p.port === kubeletPort) {
      errs.push(invalid(f, p.port, `may not expose port ${kubeletPort} externally since it is used by kubelet`));
    }
    const key = `${p.protocol}/${p.port}`;
    if (seen.has(key)) errs.push({ type: 'FieldValueDuplicate', field: f, message: `Duplicate value: core.ServicePort{Name:"", Protocol:"${p.protocol}", AppProtocol:(*string)(nil), Port:${p.port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}` });
    seen.add(key);
    if (p.nodePort) {
      const nodeKey = `${p.protocol}/${p.nodePort}`;
      if (nodePorts.has(nodeKey)) errs.push(duplicate(`${f}.nodePort`, p.nodePort));
      nodePorts.add(nodeKey);
    }
  }
}

function validateClusterIPs(spec: JsonObject, errs: FieldError[]): void {
  const type = spec.type;
  if (type === 'ExternalName') {
    if (spec.clusterIP) errs.push(forbidden('spec.clusterIP', 'must be empty for ExternalName services'));
    return;
  }
  if (spec.clusterIP === 'None' && (type === 'NodePort' || type === 'LoadBalancer')) {
    errs.push(invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
  }
  for (const [i, ip] of stringsOf(spec.clusterIPs).entries()) {
    if (ip === 'None' && i === 0) continue;
    for (const m of isValidIP(ip)) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, m));
  }
  const ips = stringsOf(spec.clusterIPs);
  if (spec.clusterIP && ips.length > 0 && spec.clusterIP !== ips[0]) {
    errs.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: ${goStringSlice(ips)}: first value must match \`clusterIP\`` });
  }
}

export function validateService(svc: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = objectOr(svc.spec);
  const headless = spec.clusterIP === 'None';
  if (objectsOf(spec.ports).length === 0 && !headless && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) errs.push(required('spec.externalName'));
    else for (const m of isDNS1123Subdomain(String(spec.externalName).replace(/\.$/, ''))) errs.push(invalid('spec.externalName', spec.externalName, m));
  }
  validatePorts(spec, errs);
  validateClusterIPs(spec, errs);
  if (spec.selector !== undefined && spec.selector !== null) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  if (!spec.sessionAffinity) errs.push(required('spec.sessionAffinity'));
  else if (!affinities.includes(spec.sessionAffinity)) errs.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, affinities));
  else if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig) {
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  } else if (spec.sessionAffinity === 'ClientIP') {
    const t = objectOr(objectOr(spec.sessionAffinityConfig).clientIP).timeoutSeconds;
    if (typeof t !== 'number' || t <= 0 || t > 86400) {
      errs.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t ?? 0, 'must be greater than 0 and less than 86400'));
    }
  }
  for (const [i, ip] of stringsOf(spec.externalIPs).entries()) {
    const msgs = isValidIP(ip);
    for (const m of msgs) errs.push(invalid(`spec.externalIPs[${i}]`, ip, m));
    if (msgs.length === 0) errs.push(...validateNonSpecialIP(ip, `spec.externalIPs[${i}]`));
  }
  if (!spec.type) errs.push(required('spec.type'));
  else if (!serviceTypes.includes(spec.type)) errs.push(notSupported('spec.type', spec.type, serviceTypes));
  const etp = spec.externalTrafficPolicy;
  if (etp && spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') {
    errs.push(invalid('spec.externalTrafficPolicy', etp, 'may only be set when `type` is \'NodePort\' or \'LoadBalancer\''));
  } else if (etp && etp !== 'Cluster' && etp !== 'Local') {
    errs.push(notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  }
  const itp = spec.internalTrafficPolicy;
  if (itp && itp !== 'Cluster' && itp !== 'Local') errs.push(notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  return errs;
}

/** The primary cluster IP is fixed once allocated (validateUpgradeDowngradeClusterIPs). */
export function validateServiceUpdate(svc: JsonObject, old: JsonObject): FieldError[] {
  const spec = objectOr(svc.spec);
  const oldSpec = objectOr(old.spec);
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return [];
  const ips = stringsOf(spec.clusterIPs);
  const oldIPs = stringsOf(oldSpec.clusterIPs);
  if (oldIPs[0] === 'None' && ips[0] === 'None') return [];
  const type: FieldErrorType = 'FieldValueInvalid';
  if (oldIPs.length > 0 && ips.length === 0) {
    return [{ type, field: 'spec.clusterIPs[0]', message: `Invalid value: ${goStringSlice(ips)}: primary clusterIP can not be unset` }];
  }
  for (const [i, ip] of oldIPs.entries()) {
    if (ips[i] !== undefined && ips[i] !== ip) {
      return [{ type, field: `spec.clusterIPs[${i}]`, message: `Invalid value: ${goStringSlice(ips)}: may not change once set` }];
    }
  }
  return [];
}
