import { isIPv6 } from 'node:net';
import type { KubeObject } from '../../api/types.js';
import { objectKey } from '../../client/informer.js';
import { isPodReady, podIPs, podPhase, podSpec } from '../common/pod-status.js';

/** The parts of a Service the endpoint controllers read. */
export interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
  targetPort?: number | string;
  appProtocol?: string;
}

export interface ServiceView {
  selector?: Record<string, string>;
  ports: ServicePort[];
  clusterIP?: string;
  type?: string;
  publishNotReadyAddresses: boolean;
  ipFamilies: string[];
}

export function serviceView(svc: KubeObject): ServiceView {
  const spec = (svc.spec ?? {}) as Partial<ServiceView> & { ports?: ServicePort[]; ipFamilies?: string[] };
  return {
    selector: spec.selector ?? undefined,
    ports: spec.ports ?? [],
    clusterIP: spec.clusterIP,
    type: spec.type,
    publishNotReadyAddresses: spec.publishNotReadyAddresses === true,
    ipFamilies: spec.ipFamilies?.length ? spec.ipFamilies : ['IPv4'],
  };
}

/** Services the controllers fill: a selector, and not ExternalName. */
export function managesEndpoints(svc: KubeObject): boolean {
  const v = serviceView(svc);
  return !!v.selector && v.type !== 'ExternalName';
}

/** A Service's selector picks pods by equality on every key (a map, not a LabelSelector). */
export function selectsPod(svc: KubeObject, pod: KubeObject): boolean {
  const sel = serviceView(svc).selector;
  if (!sel) return false;
  const labels = pod.metadata.labels ?? {};
  return Object.entries(sel).every(([k, v]) => labels[k] === v);
}

/**
 * Keys of the Services (from `sameNamespace`, the pod's namespace's Services) whose endpoints a
 * pod change touches: those selecting the pod now or before. Resyncs without a change touch none.
 *
 * @example
 * for (const key of servicesTouchedByPod(services.byIndex(namespaceIndex, ns), pod, old)) queue.add(key);
 */
export function servicesTouchedByPod(sameNamespace: KubeObject[], pod: KubeObject, old?: KubeObject): string[] {
  if (old && old.metadata.resourceVersion === pod.metadata.resourceVersion) return [];
  return sameNamespace.filter((svc) => selectsPod(svc, pod) || (old && selectsPod(svc, old))).map(objectKey);
}

/**
 * ShouldPodBeInEndpoints: the pod has an IP, is not being deleted (unless terminating pods are
 * wanted), and has not finished for good given its restart policy.
 */
export function shouldPodBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  if (podIPs(pod).length === 0) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  const phase = podPhase(pod);
  const policy = podSpec(pod).restartPolicy;
  if (policy === 'Never') return phase !== 'Failed' && phase !== 'Succeeded';
  if (policy === 'OnFailure') return phase !== 'Succeeded';
  return true;
}

/** The pod IP of the Service's (first) family. */
export function podIPFor(svc: KubeObject, pod: KubeObject): string | undefined {
  const wantV6 = serviceView(svc).ipFamilies[0] === 'IPv6';
  return podIPs(pod).find((ip) => isIPv6(ip) === wantV6);
}

/** FindPort: a numeric target port as is; a named one looked up in the pod's container ports. */
export function findPort(pod: KubeObject, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  for (const c of podSpec(pod).containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** ShouldSetHostname: the pod asked for a hostname under this (headless) Service's subdomain. */
export function hostnameFor(svc: KubeObject, pod: KubeObject): string | undefined {
  const spec = podSpec(pod);
  if (spec.hostname && spec.subdomain === svc.metadata.name && svc.metadata.namespace === pod.metadata.namespace) return spec.hostname;
  return undefined;
}

export { isPodReady };
