/** batch/v1 shapes, as far as the strategies read and default them. */
import type { KubeObject, LabelSelector } from '../../types.js';
import type { PodTemplateLike } from '../../common/pod-template.js';

export interface PodFailurePolicyRule {
  action?: string;
  onExitCodes?: { containerName?: string; operator?: string; values?: number[] } | null;
  onPodConditions?: { type?: string; status?: string }[] | null;
}

export interface JobSpec {
  parallelism?: number;
  completions?: number | null;
  activeDeadlineSeconds?: number;
  backoffLimit?: number;
  backoffLimitPerIndex?: number | null;
  maxFailedIndexes?: number | null;
  selector?: LabelSelector | null;
  manualSelector?: boolean | null;
  template?: PodTemplateLike;
  ttlSecondsAfterFinished?: number;
  completionMode?: string;
  suspend?: boolean;
  podReplacementPolicy?: string;
  podFailurePolicy?: { rules?: PodFailurePolicyRule[] } | null;
  successPolicy?: { rules?: { succeededIndexes?: string; succeededCount?: number }[] } | null;
  managedBy?: string | null;
}

export interface JobCondition {
  type: string;
  status: string;
}

export interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
}

export interface CronJobSpec {
  schedule?: string;
  timeZone?: string | null;
  startingDeadlineSeconds?: number | null;
  concurrencyPolicy?: string;
  suspend?: boolean | null;
  jobTemplate?: { metadata?: Record<string, unknown>; spec?: JobSpec };
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
}

export function specOf<T>(obj: KubeObject): T {
  if (obj.spec === null || typeof obj.spec !== 'object') obj.spec = {};
  return obj.spec as T;
}

export function statusOf<T>(obj: KubeObject): Partial<T> {
  return (obj.status !== null && typeof obj.status === 'object' ? obj.status : {}) as Partial<T>;
}
