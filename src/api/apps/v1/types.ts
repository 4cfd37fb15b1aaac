/** apps/v1 shapes, as far as the strategies read and default them. */
import type { KubeObject, LabelSelector } from '../../types.js';
import type { PodTemplateLike } from '../../common/pod-template.js';

export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelector | null;
  template?: PodTemplateLike;
  strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } | null };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
}

export interface DeploymentStatus {
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
}

export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: LabelSelector | null;
  template?: PodTemplateLike;
}

export interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelector | null;
  template?: PodTemplateLike;
  volumeClaimTemplates?: Record<string, unknown>[];
  serviceName?: string;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } | null };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
  ordinals?: { start?: number };
}

export interface DaemonSetSpec {
  selector?: LabelSelector | null;
  template?: PodTemplateLike;
  updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } | null };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

/** Typed views of an object's spec and status (created when absent, so defaulting can write). */
export function specOf<T>(obj: KubeObject): T {
  if (obj.spec === null || typeof obj.spec !== 'object') obj.spec = {};
  return obj.spec as T;
}

export function statusOf<T>(obj: KubeObject): Partial<T> {
  return (obj.status !== null && typeof obj.status === 'object' ? obj.status : {}) as Partial<T>;
}
