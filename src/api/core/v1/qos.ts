/**
 * The pod's quality-of-service class (status.qosClass), from its containers' CPU and memory
 * requests and limits. The API server sets it on create; the agent uses it for cgroups and
 * eviction order.
 */
import { type Quantity, addQuantities, compareQuantities, tryParseQuantity } from '../../quantity.js';
import { type JsonObject, objectOr, objectsOf } from './json.js';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const qosResources = ['cpu', 'memory'];

function positive(list: JsonObject, name: string): Quantity | undefined {
  const q = tryParseQuantity(list[name]);
  return q && q.nanos > 0n ? q : undefined;
}

function sum(total: Map<string, Quantity>, name: string, q: Quantity): void {
  const prev = total.get(name);
  total.set(name, prev ? addQuantities(prev, q) : q);
}

/**
 * Guaranteed: every container limits both CPU and memory and requests equal limits.
 * BestEffort: no container requests or limits CPU or memory. Burstable: anything else.
 * A missing request counts as equal to its limit, as defaulting makes it.
 */
export function podQOSClass(spec: JsonObject): QOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const c of [...objectsOf(spec.containers), ...objectsOf(spec.initContainers)]) {
    const res = objectOr(c.resources);
    const req = objectOr(res.requests);
    const lim = objectOr(res.limits);
    let limitsFound = 0;
    for (const name of qosResources) {
      const l = positive(lim, name);
      const r = name in req ? positive(req, name) : l;
      if (r) sum(requests, name, r);
      if (l) {
        sum(limits, name, l);
        limitsFound++;
      }
    }
    if (limitsFound < qosResources.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed && requests.size === limits.size) {
    for (const [name, r] of requests) {
      const l = limits.get(name);
      if (!l || compareQuantities(l, r) !== 0) return 'Burstable';
    }
    return 'Guaranteed';
  }
  return 'Burstable';
}
