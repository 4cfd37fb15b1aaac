import type { KubeObject, LabelSelector } from '../../api/types.js';
import { addResource, addResourceList, defaultMemoryRequest, defaultMilliCPURequest, emptyResource, maxResource, type Resource } from './resource.js';
import { compileLabelSelector, compileNodeSelectorTerm, compileNodeSelectorTerms, type LabelMatcher, type NodeMatcher, type NodeSelectorTerm, selectorKey } from './selectors.js';
import type { Toleration } from './taints.js';

/** One pod (anti-)affinity term, compiled. */
export interface AffinityTerm {
  /** Namespaces named by the term (the pod's own when it names none and has no namespaceSelector). */
  namespaces: ReadonlySet<string>;
  /** namespaceSelector: undefined selects no namespace, `{}` every namespace. */
  namespaceSelector?: LabelMatcher;
  selector: LabelMatcher;
  topologyKey: string;
  /** 0 for required terms, 1–100 for preferred ones. */
  weight: number;
  /** Identical terms share this key (so counts can be kept per term, not per pod). */
  key: string;
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  selector: LabelMatcher;
  selectorKey: string;
  minDomains: number;
  nodeAffinityPolicy: 'Honor' | 'Ignore';
  nodeTaintsPolicy: 'Honor' | 'Ignore';
}

interface ContainerLike {
  name?: string;
  image?: string;
  restartPolicy?: string;
  ports?: { hostPort?: number; hostIP?: string; protocol?: string; containerPort?: number }[];
  resources?: { requests?: Record<string, unknown> };
}

interface PodAffinityTermSpec {
  labelSelector?: LabelSelector | null;
  namespaces?: string[] | null;
  namespaceSelector?: LabelSelector | null;
  topologyKey?: string;
  matchLabelKeys?: string[] | null;
  mismatchLabelKeys?: string[] | null;
}

interface PodSpecLike {
  nodeName?: string;
  schedulerName?: string;
  priority?: number;
  preemptionPolicy?: string;
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  overhead?: Record<string, unknown>;
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  affinity?: {
    nodeAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } | null;
      preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; preference: NodeSelectorTerm }[] | null;
    } | null;
    podAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTermSpec[] | null; preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; podAffinityTerm: PodAffinityTermSpec }[] | null } | null;
    podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTermSpec[] | null; preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; podAffinityTerm: PodAffinityTermSpec }[] | null } | null;
  } | null;
  topologySpreadConstraints?: {
    maxSkew: number;
    topologyKey: string;
    whenUnsatisfiable: string;
    labelSelector?: LabelSelector | null;
    minDomains?: number | null;
    nodeAffinityPolicy?: string | null;
    nodeTaintsPolicy?: string | null;
    matchLabelKeys?: string[] | null;
  }[] | null;
  hostNetwork?: boolean;
}

/** Adds `key in (value)` / `key notin (value)` requirements for matchLabelKeys / mismatchLabelKeys. */
function withLabelKeys(sel: LabelSelector | null | undefined, labels: Record<string, string>, match: string[] | null | undefined, mismatch?: string[] | null): LabelSelector | null | undefined {
  const extra = [
    ...(match ?? []).filter((k) => Object.hasOwn(labels, k)).map((k) => ({ key: k, operator: 'In' as const, values: [labels[k]!] })),
    ...(mismatch ?? []).filter((k) => Object.hasOwn(labels, k)).map((k) => ({ key: k, operator: 'NotIn' as const, values: [labels[k]!] })),
  ];
  if (!extra.length || !sel) return sel;
  return { matchLabels: sel.matchLabels, matchExpressions: [...(sel.matchExpressions ?? []), ...extra] };
}

function affinityTerm(pod: KubeObject, t: PodAffinityTermSpec, weight: number): AffinityTerm {
  const labels = pod.metadata.labels ?? {};
  const sel = withLabelKeys(t.labelSelector, labels, t.matchLabelKeys, t.mismatchLabelKeys);
  const names = t.namespaces ?? [];
  const namespaces = new Set(names.length === 0 && !t.namespaceSelector ? [pod.metadata.namespace ?? ''] : names);
  const term: AffinityTerm = {
    namespaces,
    selector: compileLabelSelector(sel),
    topologyKey: t.topologyKey ?? '',
    weight,
    key: `${[...namespaces].sort().join(',')}|${t.namespaceSelector ? selectorKey(t.namespaceSelector) : '-'}|${selectorKey(sel)}|${t.topologyKey ?? ''}`,
  };
  if (t.namespaceSelector) term.namespaceSelector = compileLabelSelector(t.namespaceSelector);
  return term;
}

/** `image` normalized as the kubelet reports images: a missing tag means `:latest`. */
export function normalizedImageName(image: string): string {
  if (image.includes('@')) return image;
  const last = image.slice(image.lastIndexOf('/') + 1);
  return last.includes(':') ? image : `${image}:latest`;
}

/**
 * The pod's requests for fitting (PodRequests): containers summed; init containers one at a
 * time, each on top of the sidecars (restartPolicy Always) started before it; sidecars also
 * add to the running total; then overhead. With `nonZero`, a container that requests no CPU
 * or memory counts 100m / 200Mi (what scoring assumes).
 */
export function computePodRequests(spec: PodSpecLike, nonZero = false): Resource {
  const containerReqs = (c: ContainerLike): Resource => {
    const r = emptyResource();
    const req = c.resources?.requests;
    addResourceList(r, req);
    if (nonZero) {
      if (!req || !('cpu' in req)) r.milliCPU = defaultMilliCPURequest;
      if (!req || !('memory' in req)) r.memory = defaultMemoryRequest;
    }
    return r;
  };
  const total = emptyResource();
  for (const c of spec.containers ?? []) addResource(total, containerReqs(c));
  const sidecars = emptyResource();
  const initMax = emptyResource();
  for (const c of spec.initContainers ?? []) {
    const r = containerReqs(c);
    if (c.restartPolicy === 'Always') {
      addResource(total, r);
      addResource(sidecars, r);
      maxResource(initMax, sidecars);
    } else {
      addResource(r, sidecars);
      maxResource(initMax, r);
    }
  }
  maxResource(total, initMax);
  if (spec.overhead) addResourceList(total, spec.overhead);
  return total;
}

/**
 * Everything the plugins need from a pod, parsed once (framework.PodInfo): requests, affinity
 * terms, host ports, tolerations, node affinity, spread constraints, images.
 */
export class PodInfo {
  readonly key: string;
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly priority: number;
  readonly schedulerName: string;
  nodeName: string;
  readonly requests: Resource;
  readonly nonZeroCPU: number;
  readonly nonZeroMemory: number;
  readonly requiredAffinity: AffinityTerm[];
  readonly requiredAntiAffinity: AffinityTerm[];
  readonly preferredAffinity: AffinityTerm[];
  readonly preferredAntiAffinity: AffinityTerm[];
  readonly hostPorts: HostPort[];
  readonly tolerations: Toleration[];
  readonly nodeSelector?: Record<string, string>;
  readonly requiredNodeAffinity?: NodeMatcher;
  readonly preferredNodeAffinity: { weight: number; match: NodeMatcher }[];
  readonly spreadConstraints: SpreadConstraint[];
  readonly images: string[];
  readonly preemptionPolicy: string;
  /** ms since epoch: status.startTime, else creation (for victim ordering). */
  readonly startTime: number;
  readonly deleting: boolean;

  constructor(public pod: KubeObject) {
    const m = pod.metadata;
    const spec = (pod.spec ?? {}) as PodSpecLike;
    this.namespace = m.namespace ?? '';
    this.name = m.name ?? '';
    this.key = `${this.namespace}/${this.name}`;
    this.uid = m.uid ?? '';
    this.labels = m.labels ?? {};
    this.priority = typeof spec.priority === 'number' ? spec.priority : 0;
    this.schedulerName = spec.schedulerName || 'default-scheduler';
    this.nodeName = spec.nodeName ?? '';
    this.preemptionPolicy = spec.preemptionPolicy ?? 'PreemptLowerPriority';
    this.requests = computePodRequests(spec);
    const nz = computePodRequests(spec, true);
    this.nonZeroCPU = nz.milliCPU;
    this.nonZeroMemory = nz.memory;
    const aff = spec.affinity ?? {};
    this.requiredAffinity = (aff.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t, 0));
    this.requiredAntiAffinity = (aff.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t, 0));
    this.preferredAffinity = (aff.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => affinityTerm(pod, w.podAffinityTerm, w.weight));
    this.preferredAntiAffinity = (aff.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => affinityTerm(pod, w.podAffinityTerm, w.weight));
    this.hostPorts = [];
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      for (const p of c.ports ?? []) {
        const port = p.hostPort ?? (spec.hostNetwork ? p.containerPort : 0) ?? 0;
        if (port > 0) this.hostPorts.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port });
      }
    }
    this.tolerations = spec.tolerations ?? [];
    if (spec.nodeSelector && Object.keys(spec.nodeSelector).length) this.nodeSelector = spec.nodeSelector;
    const required = aff.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (required) this.requiredNodeAffinity = compileNodeSelectorTerms(required.nodeSelectorTerms ?? []);
    this.preferredNodeAffinity = (aff.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [])
      .filter((p) => p.weight !== 0)
      .map((p) => ({ weight: p.weight, match: compileNodeSelectorTerm(p.preference ?? {}) }));
    this.spreadConstraints = (spec.topologySpreadConstraints ?? []).map((c) => {
      const sel = withLabelKeys(c.labelSelector, this.labels, c.matchLabelKeys);
      return {
        maxSkew: c.maxSkew,
        topologyKey: c.topologyKey,
        whenUnsatisfiable: c.whenUnsatisfiable === 'ScheduleAnyway' ? 'ScheduleAnyway' : 'DoNotSchedule',
        selector: compileLabelSelector(sel),
        selectorKey: selectorKey(sel),
        minDomains: c.minDomains ?? 1,
        nodeAffinityPolicy: c.nodeAffinityPolicy === 'Ignore' ? 'Ignore' : 'Honor',
        nodeTaintsPolicy: c.nodeTaintsPolicy === 'Honor' ? 'Honor' : 'Ignore',
      };
    });
    this.images = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].filter((c) => c.image).map((c) => normalizedImageName(c.image!));
    const status = (pod.status ?? {}) as { startTime?: string };
    this.startTime = Date.parse(status.startTime ?? String(m.creationTimestamp ?? '')) || 0;
    this.deleting = !!m.deletionTimestamp;
  }

  /** Whether the pod has any pod affinity or anti-affinity terms. */
  get hasAffinity(): boolean {
    return this.requiredAffinity.length + this.requiredAntiAffinity.length + this.preferredAffinity.length + this.preferredAntiAffinity.length > 0;
  }

  /** Whether the pod's required node affinity and nodeSelector accept a node (GetRequiredNodeAffinity().Match). */
  matchesNodeSelectorAndAffinity(labels: Record<string, string>, nodeName: string): boolean {
    if (this.nodeSelector) for (const [k, v] of Object.entries(this.nodeSelector)) if (labels[k] !== v) return false;
    return this.requiredNodeAffinity ? this.requiredNodeAffinity(labels, nodeName) : true;
  }
}

/** Whether an affinity term selects a pod (namespace by name or by the namespace's labels, then labels). */
export function termMatches(term: AffinityTerm, pod: PodInfo, namespaceLabels: (ns: string) => Record<string, string> | undefined): boolean {
  if (!term.namespaces.has(pod.namespace)) {
    if (!term.namespaceSelector || !term.namespaceSelector(namespaceLabels(pod.namespace))) return false;
  }
  return term.selector(pod.labels);
}
