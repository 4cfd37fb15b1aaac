import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../errors.js';
import type { StoreHooks } from '../registry/generic-store.js';

/** What the Priority admission plugin needs of a PriorityClass. */
export interface PriorityClassInfo {
  name: string;
  value: number;
  globalDefault: boolean;
  preemptionPolicy?: string;
}

export interface PodAdmissionOptions {
  /** The PriorityClass of a name, if it exists. */
  priorityClass(name: string): Promise<PriorityClassInfo | undefined> | PriorityClassInfo | undefined;
  /** Every PriorityClass (for the global default). */
  priorityClasses(): PriorityClassInfo[];
  /** kube-apiserver --default-not-ready-toleration-seconds (300). */
  notReadyTolerationSeconds?: number;
  /** kube-apiserver --default-unreachable-toleration-seconds (300). */
  unreachableTolerationSeconds?: number;
}

const podsResource = { group: '', resource: 'pods' };
/** What the pod strategy's defaulting adds; replaced when the server is told other seconds. */
const schemeDefaultSeconds = 300;

interface Toleration {
  key?: string;
  operator?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/**
 * The Priority and DefaultTolerationSeconds admission plugins for pods: resolves
 * priorityClassName (or the global default class) into spec.priority and
 * spec.preemptionPolicy, and applies the server's default toleration seconds for the
 * not-ready/unreachable taints.
 *
 * @example
 * hooks['/pods'] = podAdmissionHooks({ priorityClass: (n) => classes.get(n), priorityClasses: () => [...classes.values()] });
 */
export function podAdmissionHooks(opts: PodAdmissionOptions): StoreHooks {
  return {
    async beforeCreate(pod) {
      await admitPriority(pod, opts);
      adjustDefaultTolerations(pod, opts);
    },
  };
}

async function admitPriority(pod: KubeObject, opts: PodAdmissionOptions): Promise<void> {
  const spec = (pod.spec ?? {}) as { priorityClassName?: string; priority?: number; preemptionPolicy?: string };
  let cls: PriorityClassInfo | undefined;
  if (spec.priorityClassName) {
    cls = await opts.priorityClass(spec.priorityClassName);
    if (!cls) throw ApiError.forbidden(podsResource, pod.metadata.name ?? '', `no PriorityClass with name ${spec.priorityClassName} was found`);
  } else {
    // The lowest-valued global default wins, as Kubernetes picks it.
    cls = opts.priorityClasses().filter((c) => c.globalDefault).sort((a, b) => a.value - b.value)[0];
    if (cls) spec.priorityClassName = cls.name;
  }
  const value = cls?.value ?? 0;
  // Defaulting already wrote 0, so only a different explicit value can be told apart.
  if (spec.priority !== undefined && spec.priority !== 0 && spec.priority !== value) {
    throw ApiError.forbidden(
      podsResource,
      pod.metadata.name ?? '',
      `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`,
    );
  }
  spec.priority = value;
  if (cls?.preemptionPolicy) spec.preemptionPolicy = cls.preemptionPolicy;
  pod.spec = spec;
}

function adjustDefaultTolerations(pod: KubeObject, opts: PodAdmissionOptions): void {
  const wanted: Record<string, number | undefined> = {
    'node.kubernetes.io/not-ready': opts.notReadyTolerationSeconds,
    'node.kubernetes.io/unreachable': opts.unreachableTolerationSeconds,
  };
  const tolerations = ((pod.spec as { tolerations?: Toleration[] } | undefined)?.tolerations ?? []) as Toleration[];
  for (const t of tolerations) {
    const seconds = t.key ? wanted[t.key] : undefined;
    if (seconds === undefined || seconds === schemeDefaultSeconds) continue;
    if (t.operator === 'Exists' && t.effect === 'NoExecute' && t.tolerationSeconds === schemeDefaultSeconds) t.tolerationSeconds = seconds;
  }
}
