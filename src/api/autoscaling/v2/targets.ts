/** The TARGETS column: `cpu: 45%/80%`, `1k/500 (avg)`, … for the first two metrics. */
import { canonicalQuantity } from '../../quantity.js';
import type { MetricSpec, MetricStatus } from './types.js';

const unknown = '<unknown>';

function q(v: string | undefined): string {
  return v === undefined ? '' : canonicalQuantity(v);
}

function percent(v: number | undefined): string | undefined {
  return typeof v === 'number' ? `${v}%` : undefined;
}

function describe(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case 'External':
    case 'Object': {
      const src = spec.type === 'External' ? spec.external : spec.object;
      const cur = spec.type === 'External' ? status?.external?.current : status?.object?.current;
      const target = src?.target ?? {};
      if (target.averageValue !== undefined) {
        return `${cur?.averageValue !== undefined ? q(cur.averageValue) : unknown}/${q(target.averageValue)} (avg)`;
      }
      return `${cur ? q(cur.value) : unknown}/${q(target.value)}`;
    }
    case 'Pods':
      return `${status?.pods ? q(status.pods.current?.averageValue) : unknown}/${q(spec.pods?.target?.averageValue)}`;
    case 'Resource':
    case 'ContainerResource': {
      const src = spec.type === 'Resource' ? spec.resource : spec.containerResource;
      const cur = spec.type === 'Resource' ? status?.resource : status?.containerResource;
      const target = src?.target ?? {};
      if (target.averageValue !== undefined) {
        return `${src?.name ?? ''}: ${cur ? q(cur.current?.averageValue) : unknown}/${q(target.averageValue)}`;
      }
      return `${src?.name ?? ''}: ${percent(cur?.current?.averageUtilization) ?? unknown}/${percent(target.averageUtilization) ?? '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

/** Statuses pair with specs by position, as the printer assumes. */
export function formatHPAMetrics(specs: MetricSpec[], statuses: MetricStatus[]): string {
  if (specs.length === 0) return '<none>';
  const max = 2;
  const list = specs.map((s, i) => describe(s, statuses[i]));
  if (list.length <= max) return list.join(', ');
  return `${list.slice(0, max).join(', ')} + ${list.length - max} more...`;
}
