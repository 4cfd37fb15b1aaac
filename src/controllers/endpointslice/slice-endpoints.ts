import type { KubeObject } from '../../api/types.js';
import { findPort, hostnameFor, isPodReady, podIPFor, selectsPod, serviceView, shouldPodBeInEndpoints } from '../endpoints/service-pods.js';

/** discovery.k8s.io/v1 Endpoint as the controller writes it. */
export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
  nodeName?: string;
  zone?: string;
}

export interface SlicePort {
  name: string;
  protocol: string;
  port: number;
  appProtocol?: string;
}

/** Endpoints that offer the same ports: they can share slices. */
export interface PortGroup {
  key: string;
  ports: SlicePort[];
  endpoints: SliceEndpoint[];
}

export const portsKey = (ports: SlicePort[]) => JSON.stringify([...ports].sort((a, b) => (a.name + a.protocol < b.name + b.protocol ? -1 : 1)).map((p) => [p.name, p.protocol, p.port, p.appProtocol ?? '']));

/**
 * podToEndpoint for each pod the Service selects (terminating ones included, flagged): serving
 * follows readiness (or publishNotReadyAddresses), ready is serving and not terminating, and
 * target ports are resolved per pod, so pods are grouped by the ports they offer.
 */
export function desiredPortGroups(svc: KubeObject, pods: KubeObject[], zoneOf: (node: string) => string | undefined): PortGroup[] {
  const view = serviceView(svc);
  const groups = new Map<string, PortGroup>();
  for (const pod of pods) {
    if (!selectsPod(svc, pod) || !shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIPFor(svc, pod);
    if (!ip) continue;
    const ports: SlicePort[] = [];
    for (const sp of view.ports) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const p: SlicePort = { name: sp.name ?? '', protocol: sp.protocol ?? 'TCP', port };
      if (sp.appProtocol) p.appProtocol = sp.appProtocol;
      ports.push(p);
    }
    const terminating = !!pod.metadata.deletionTimestamp;
    const serving = view.publishNotReadyAddresses || isPodReady(pod);
    const ep: SliceEndpoint = {
      addresses: [ip],
      conditions: { ready: view.publishNotReadyAddresses || (serving && !terminating), serving, terminating },
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! },
    };
    const hostname = hostnameFor(svc, pod);
    if (hostname) ep.hostname = hostname;
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (node) {
      ep.nodeName = node;
      const zone = zoneOf(node);
      if (zone) ep.zone = zone;
    }
    const key = portsKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, ports, endpoints: [] }));
    g.endpoints.push(ep);
  }
  return [...groups.values()];
}
