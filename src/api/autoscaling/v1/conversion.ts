/**
 * autoscaling/v1 HPAs are stored in the autoscaling/v2 form. v1 only knows a CPU utilization
 * target; like Kubernetes, the rest of the v2 object (other metrics, current metrics,
 * behavior, conditions) rides along in `autoscaling.alpha.kubernetes.io/*` annotations so a
 * v1 read-modify-write keeps it.
 */
import type { StorageConversion } from '../../../apiserver/registry/resource.js';
import type { KubeObject } from '../../types.js';
import { defaultHPA } from '../v2/defaults.js';
import type { HPABehavior, HPACondition, HPAScalingRules, HPASpecV2, HPAStatusV2, MetricSpec } from '../v2/types.js';
import { metricSpecFromV1, metricSpecToV1, metricStatusFromV1, metricStatusToV1 } from './metrics.js';

export const metricSpecsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
export const metricStatusesAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const conditionsAnnotation = 'autoscaling.alpha.kubernetes.io/conditions';
export const behaviorAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';
const roundTripAnnotations = [metricSpecsAnnotation, metricStatusesAnnotation, conditionsAnnotation, behaviorAnnotation];

type Json = Record<string, unknown>;

function isCPUUtilization(m: MetricSpec): boolean {
  return m.type === 'Resource' && m.resource?.name === 'cpu' && typeof m.resource.target?.averageUtilization === 'number';
}

/** Metadata without the round-trip annotations (dropping an emptied map). */
function stripAnnotations(obj: KubeObject): KubeObject['metadata'] {
  const meta = { ...obj.metadata };
  if (!meta.annotations) return meta;
  const rest = Object.fromEntries(Object.entries(meta.annotations).filter(([k]) => !roundTripAnnotations.includes(k)));
  if (Object.keys(rest).length) meta.annotations = rest;
  else delete meta.annotations;
  return meta;
}

function parse<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    // Malformed annotations are ignored, as upstream ignores unmarshal errors.
    return undefined;
  }
}

// Upstream marshals its internal behavior type, which has no JSON tags: Go field names.
function rulesToGo(r: HPAScalingRules | null | undefined): Json | null {
  if (!r) return null;
  return {
    StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
    SelectPolicy: r.selectPolicy ?? null,
    Policies: r.policies ? r.policies.map((p) => ({ Type: p.type ?? '', Value: p.value ?? 0, PeriodSeconds: p.periodSeconds ?? 0 })) : null,
    Tolerance: r.tolerance ?? null,
  };
}

/** Go's encoding/json matches field names case-insensitively when decoding. */
function pick(o: Json | undefined, name: string): unknown {
  if (!o) return undefined;
  const key = Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : o[key];
}

function rulesFromGo(v: unknown): HPAScalingRules | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Json;
  const out: HPAScalingRules = {};
  const window = pick(o, 'stabilizationWindowSeconds');
  if (typeof window === 'number') out.stabilizationWindowSeconds = window;
  const select = pick(o, 'selectPolicy');
  if (typeof select === 'string') out.selectPolicy = select;
  const policies = pick(o, 'policies');
  if (Array.isArray(policies)) {
    out.policies = policies.map((p: Json) => ({ type: pick(p, 'type') as string, value: pick(p, 'value') as number, periodSeconds: pick(p, 'periodSeconds') as number }));
  }
  const tolerance = pick(o, 'tolerance');
  if (typeof tolerance === 'string') out.tolerance = tolerance;
  return out;
}

/** autoscaling/v2 (stored) → autoscaling/v1. */
export function hpaToV1(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as HPASpecV2;
  const status = (obj.status ?? {}) as HPAStatusV2;
  const metadata = stripAnnotations(obj);
  const annotations: Record<string, string> = {};
  const metrics = spec.metrics ?? [];
  const cpu = metrics.find(isCPUUtilization);
  const others = metrics.filter((m) => !isCPUUtilization(m));
  if (others.length) annotations[metricSpecsAnnotation] = JSON.stringify(others.map(metricSpecToV1));
  const current = status.currentMetrics ?? [];
  if (current.length) annotations[metricStatusesAnnotation] = JSON.stringify(current.map(metricStatusToV1));
  if (spec.behavior) {
    annotations[behaviorAnnotation] = JSON.stringify({ ScaleUp: rulesToGo(spec.behavior.scaleUp), ScaleDown: rulesToGo(spec.behavior.scaleDown) });
  }
  if (status.conditions?.length) annotations[conditionsAnnotation] = JSON.stringify(status.conditions);
  if (Object.keys(annotations).length) metadata.annotations = { ...metadata.annotations, ...annotations };

  const v1Spec: Json = { scaleTargetRef: spec.scaleTargetRef ?? {} };
  if (spec.minReplicas !== undefined && spec.minReplicas !== null) v1Spec.minReplicas = spec.minReplicas;
  v1Spec.maxReplicas = spec.maxReplicas ?? 0;
  if (cpu) v1Spec.targetCPUUtilizationPercentage = cpu.resource!.target!.averageUtilization;

  const v1Status: Json = {};
  if (status.observedGeneration !== undefined) v1Status.observedGeneration = status.observedGeneration;
  if (status.lastScaleTime !== undefined) v1Status.lastScaleTime = status.lastScaleTime;
  v1Status.currentReplicas = status.currentReplicas ?? 0;
  v1Status.desiredReplicas = status.desiredReplicas ?? 0;
  for (const m of current) {
    const util = m.type === 'Resource' && m.resource?.name === 'cpu' ? m.resource.current?.averageUtilization : undefined;
    if (typeof util === 'number') v1Status.currentCPUUtilizationPercentage = util;
  }
  const out: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata, spec: v1Spec };
  if (obj.status !== undefined) out.status = v1Status;
  return out;
}

/** autoscaling/v1 → autoscaling/v2 (for storage), with v2 defaults applied as a v2 read would. */
export function hpaFromV1(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as Json;
  const status = obj.status as Json | undefined;
  const ann = obj.metadata.annotations ?? {};
  const v2Spec: HPASpecV2 = { scaleTargetRef: (spec.scaleTargetRef ?? {}) as HPASpecV2['scaleTargetRef'] };
  if (typeof spec.minReplicas === 'number') v2Spec.minReplicas = spec.minReplicas;
  v2Spec.maxReplicas = typeof spec.maxReplicas === 'number' ? spec.maxReplicas : 0;
  const metrics: MetricSpec[] = (parse<Json[]>(ann[metricSpecsAnnotation]) ?? []).map(metricSpecFromV1);
  // The CPU target goes after the annotation's metrics, as upstream appends it.
  if (typeof spec.targetCPUUtilizationPercentage === 'number') {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  if (metrics.length) v2Spec.metrics = metrics;
  const behavior = parse<Json>(ann[behaviorAnnotation]);
  if (behavior) {
    const b: HPABehavior = {};
    const up = rulesFromGo(pick(behavior, 'scaleUp'));
    const down = rulesFromGo(pick(behavior, 'scaleDown'));
    if (up) b.scaleUp = up;
    if (down) b.scaleDown = down;
    if (up || down) v2Spec.behavior = b;
  }
  const out: KubeObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: stripAnnotations(obj), spec: v2Spec };
  if (status) {
    const v2Status: HPAStatusV2 = {};
    if (status.observedGeneration !== undefined) v2Status.observedGeneration = status.observedGeneration as number;
    if (status.lastScaleTime !== undefined) v2Status.lastScaleTime = status.lastScaleTime as string;
    if (typeof status.currentReplicas === 'number' && status.currentReplicas !== 0) v2Status.currentReplicas = status.currentReplicas;
    v2Status.desiredReplicas = typeof status.desiredReplicas === 'number' ? status.desiredReplicas : 0;
    const current = parse<Json[]>(ann[metricStatusesAnnotation]);
    v2Status.currentMetrics = current ? current.map(metricStatusFromV1) : null;
    const conditions = parse<HPACondition[]>(ann[conditionsAnnotation]);
    if (conditions?.length) v2Status.conditions = conditions;
    out.status = v2Status;
  }
  defaultHPA(out);
  return out;
}

export const hpaConversion: StorageConversion = {
  storageResource: { group: 'autoscaling', plural: 'horizontalpodautoscalers' },
  toStorage: hpaFromV1,
  fromStorage: hpaToV1,
};
