/**
 * autoscaling/v1 has no metrics list; Kubernetes keeps the v2 metrics it cannot express in
 * annotations, written in the v1 MetricSpec / MetricStatus shapes (the old v2beta1 layout).
 * These functions translate one metric between that layout and the v2 one.
 */
import type { LabelSelector } from '../../types.js';
import type { CrossVersionObjectReference, MetricSpec, MetricStatus, MetricTarget } from '../v2/types.js';

type Json = Record<string, unknown>;

function defined(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function sel(v: unknown): LabelSelector | undefined {
  return v && typeof v === 'object' ? (v as LabelSelector) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function ref(v: unknown): CrossVersionObjectReference {
  return (v && typeof v === 'object' ? v : {}) as CrossVersionObjectReference;
}

/** v2 MetricSpec → v1 MetricSpec. */
export function metricSpecToV1(m: MetricSpec): Json {
  const out: Json = { type: m.type };
  if (m.object) {
    out.object = defined({
      target: m.object.describedObject ?? {},
      metricName: m.object.metric?.name ?? '',
      targetValue: m.object.target?.value ?? '0',
      selector: m.object.metric?.selector ?? undefined,
      averageValue: m.object.target?.averageValue,
    });
  }
  if (m.pods) {
    out.pods = defined({ metricName: m.pods.metric?.name ?? '', targetAverageValue: m.pods.target?.averageValue ?? '0', selector: m.pods.metric?.selector ?? undefined });
  }
  if (m.resource) {
    out.resource = defined({
      name: m.resource.name,
      targetAverageUtilization: m.resource.target?.averageUtilization,
      targetAverageValue: m.resource.target?.averageValue,
    });
  }
  if (m.containerResource) {
    out.containerResource = defined({
      name: m.containerResource.name,
      targetAverageUtilization: m.containerResource.target?.averageUtilization,
      targetAverageValue: m.containerResource.target?.averageValue,
      container: m.containerResource.container ?? '',
    });
  }
  if (m.external) {
    out.external = defined({
      metricName: m.external.metric?.name ?? '',
      metricSelector: m.external.metric?.selector ?? undefined,
      targetValue: m.external.target?.value,
      targetAverageValue: m.external.target?.averageValue,
    });
  }
  return out;
}

/** Resource targets: utilization when given, otherwise an average value. */
function resourceTarget(src: Json): MetricTarget {
  const util = num(src.targetAverageUtilization);
  return defined({ type: util === undefined ? 'AverageValue' : 'Utilization', averageValue: str(src.targetAverageValue), averageUtilization: util }) as MetricTarget;
}

/** v1 MetricSpec → v2 MetricSpec (the inverse of metricSpecToV1). */
export function metricSpecFromV1(m: Json): MetricSpec {
  const out: MetricSpec = { type: str(m.type) };
  const o = m.object as Json | undefined;
  if (o) {
    const avg = str(o.averageValue);
    out.object = {
      describedObject: ref(o.target),
      target: defined({ type: avg === undefined ? 'Value' : 'AverageValue', value: str(o.targetValue), averageValue: avg }) as MetricTarget,
      metric: defined({ name: str(o.metricName), selector: sel(o.selector) }),
    };
  }
  const p = m.pods as Json | undefined;
  if (p) {
    out.pods = { metric: defined({ name: str(p.metricName), selector: sel(p.selector) }), target: { type: 'AverageValue', averageValue: str(p.targetAverageValue) } };
  }
  const r = m.resource as Json | undefined;
  if (r) out.resource = { name: str(r.name), target: resourceTarget(r) };
  const c = m.containerResource as Json | undefined;
  if (c) out.containerResource = { name: str(c.name), target: resourceTarget(c), container: str(c.container) };
  const e = m.external as Json | undefined;
  if (e) {
    const value = str(e.targetValue);
    out.external = {
      metric: defined({ name: str(e.metricName), selector: sel(e.metricSelector) }),
      target: defined({ type: value !== undefined ? 'Value' : 'AverageValue', value, averageValue: str(e.targetAverageValue) }) as MetricTarget,
    };
  }
  return out;
}

/** v2 MetricStatus → v1 MetricStatus. */
export function metricStatusToV1(m: MetricStatus): Json {
  const out: Json = { type: m.type };
  if (m.object) {
    out.object = defined({
      target: m.object.describedObject ?? {},
      metricName: m.object.metric?.name ?? '',
      currentValue: m.object.current?.value ?? '0',
      selector: m.object.metric?.selector ?? undefined,
      averageValue: m.object.current?.averageValue,
    });
  }
  if (m.pods) {
    out.pods = defined({ metricName: m.pods.metric?.name ?? '', currentAverageValue: m.pods.current?.averageValue ?? '0', selector: m.pods.metric?.selector ?? undefined });
  }
  if (m.resource) {
    out.resource = defined({
      name: m.resource.name,
      currentAverageUtilization: m.resource.current?.averageUtilization,
      currentAverageValue: m.resource.current?.averageValue ?? '0',
    });
  }
  if (m.containerResource) {
    out.containerResource = defined({
      name: m.containerResource.name,
      currentAverageUtilization: m.containerResource.current?.averageUtilization,
      currentAverageValue: m.containerResource.current?.averageValue ?? '0',
      container: m.containerResource.container ?? '',
    });
  }
  if (m.external) {
    out.external = defined({
      metricName: m.external.metric?.name ?? '',
      metricSelector: m.external.metric?.selector ?? undefined,
      currentValue: m.external.current?.value ?? '0',
      currentAverageValue: m.external.current?.averageValue,
    });
  }
  return out;
}

/** v1 MetricStatus → v2 MetricStatus. */
export function metricStatusFromV1(m: Json): MetricStatus {
  const out: MetricStatus = { type: str(m.type) };
  const o = m.object as Json | undefined;
  if (o) {
    out.object = {
      describedObject: ref(o.target),
      current: defined({ value: str(o.currentValue), averageValue: str(o.averageValue) }),
      metric: defined({ name: str(o.metricName), selector: sel(o.selector) }),
    };
  }
  const p = m.pods as Json | undefined;
  if (p) out.pods = { metric: defined({ name: str(p.metricName), selector: sel(p.selector) }), current: { averageValue: str(p.currentAverageValue) } };
  const r = m.resource as Json | undefined;
  if (r) out.resource = { name: str(r.name), current: defined({ averageValue: str(r.currentAverageValue), averageUtilization: num(r.currentAverageUtilization) }) };
  const c = m.containerResource as Json | undefined;
  if (c) {
    out.containerResource = {
      name: str(c.name),
      current: defined({ averageValue: str(c.currentAverageValue), averageUtilization: num(c.currentAverageUtilization) }),
      container: str(c.container),
    };
  }
  const e = m.external as Json | undefined;
  if (e) {
    out.external = {
      metric: defined({ name: str(e.metricName), selector: sel(e.metricSelector) }),
      current: defined({ value: str(e.currentValue), averageValue: str(e.currentAverageValue) }),
    };
  }
  return out;
}
