import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age, formatLabels } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { isDNS1035Label } from '../../validation/names.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { type JsonObject, ensureObject, objectOr, objectsOf, stringsOf } from './json.js';
import { validateService, validateServiceUpdate } from './service-validation.js';

/** ClientIP affinity lasts three hours unless the client says otherwise. */
const defaultAffinitySeconds = 10800;

/** SetDefaults_Service, plus the single-stack IP family the REST layer records. */
function defaultService(obj: KubeObject): void {
  const spec = ensureObject(obj, 'spec');
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = ensureObject(ensureObject(spec, 'sessionAffinityConfig'), 'clientIP');
    if (clientIP.timeoutSeconds === undefined) clientIP.timeoutSeconds = defaultAffinitySeconds;
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of objectsOf(spec.ports)) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  if (external && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.type !== 'ExternalName' && !spec.internalTrafficPolicy) spec.internalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true;
  // clusterIP is the first of clusterIPs; v1 keeps the two in step.
  const ips = stringsOf(spec.clusterIPs);
  if (spec.clusterIP && ips.length === 0) spec.clusterIPs = [spec.clusterIP];
  else if (!spec.clusterIP && ips.length > 0) spec.clusterIP = ips[0];
  if (spec.type !== 'ExternalName') {
    if (!spec.ipFamilyPolicy) spec.ipFamilyPolicy = 'SingleStack';
    if (stringsOf(spec.ipFamilies).length === 0) spec.ipFamilies = [String(spec.clusterIP ?? '').includes(':') ? 'IPv6' : 'IPv4'];
  }
}

/**
 * A client that replaces a Service without its allocated values (clusterIP, nodePorts) keeps
 * them, as Kubernetes does before validating the update.
 */
function keepAllocated(obj: KubeObject, old: KubeObject): void {
  const spec = ensureObject(obj, 'spec');
  const oldSpec = objectOr(old.spec);
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return;
  if (!spec.clusterIP && stringsOf(spec.clusterIPs).length === 0) {
    if (oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (oldSpec.clusterIPs) spec.clusterIPs = [...stringsOf(oldSpec.clusterIPs)];
  }
  if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') return;
  for (const p of objectsOf(spec.ports)) {
    if (p.nodePort) continue;
    const prev = objectsOf(oldSpec.ports).find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
    if (prev?.nodePort) p.nodePort = prev.nodePort;
  }
}

function externalIP(spec: JsonObject, status: JsonObject): string {
  const externalIPs = stringsOf(spec.externalIPs);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = objectsOf(objectOr(status.loadBalancer).ingress)
        .map((i) => (i.ip as string) || (i.hostname as string) || '')
        .filter((s) => s !== '');
      const lb = [...new Set(ingress)].sort();
      const all = [...lb, ...externalIPs];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return String(spec.externalName ?? '');
  }
  return '<unknown>';
}

function portString(spec: JsonObject): string {
  const parts = objectsOf(spec.ports).map((p) => (p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`));
  return parts.length ? parts.join(',') : '<none>';
}

export const services: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  statusSubresource: true,
  validateName: isDNS1035Label,
  protobufMessage: 'k8s.io.api.core.v1.Service',
  defaults: defaultService,
  prepareForUpdate: keepAllocated,
  validate: (obj) => validateService(obj),
  validateUpdate: (obj, old) => validateServiceUpdate(obj, old),
  columns: [
    nameColumn,
    column('Type', 'type determines how the Service is exposed.'),
    column('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    column('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    column('Port(s)', 'The list of ports that are exposed by this service.'),
    ageColumn,
    column('Selector', 'Route service traffic to pods with label keys and values matching this selector.', true),
  ],
  cells(obj, now) {
    const spec = objectOr(obj.spec);
    return [
      obj.metadata.name,
      spec.type ?? '',
      stringsOf(spec.clusterIPs)[0] ?? '<none>',
      externalIP(spec, objectOr(obj.status)),
      portString(spec),
      age(obj.metadata.creationTimestamp, now),
      formatLabels(spec.selector),
    ];
  },
  fieldSelectors: {
    'spec.clusterIP': (o) => String(objectOr(o.spec).clusterIP ?? ''),
    'spec.type': (o) => String(objectOr(o.spec).type ?? ''),
  },
};
