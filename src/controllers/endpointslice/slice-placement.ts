import type { KubeObject } from '../../api/types.js';
import { type PortGroup, type SliceEndpoint, type SlicePort, portsKey } from './slice-endpoints.js';

/** Kubernetes' default: at most 100 endpoints per slice. */
export const maxEndpointsPerSlice = 100;

/** What a sync does to the slices of one Service. */
export interface SlicePlan {
  /** Existing slices with their new content (unchanged ones included). */
  keep: { slice: KubeObject; ports: SlicePort[]; endpoints: SliceEndpoint[] }[];
  create: { ports: SlicePort[]; endpoints: SliceEndpoint[] }[];
  remove: KubeObject[];
}

const uidOf = (e: SliceEndpoint) => e.targetRef.uid;
const byAddress = (a: SliceEndpoint, b: SliceEndpoint) => (a.addresses[0]! < b.addresses[0]! ? -1 : a.addresses[0]! > b.addresses[0]! ? 1 : 0);

/**
 * Places endpoints into slices with little churn: an endpoint stays in the slice that already
 * holds it, new ones fill slices with room (fullest first), and only then new slices are made;
 * emptied slices go. A Service with no endpoints keeps one empty slice.
 */
export function planSlices(existing: KubeObject[], groups: PortGroup[]): SlicePlan {
  const plan: SlicePlan = { keep: [], create: [], remove: [] };
  const byPorts = new Map<string, KubeObject[]>();
  for (const s of existing) {
    const k = portsKey((s.ports as SlicePort[] | undefined) ?? []);
    (byPorts.get(k) ?? byPorts.set(k, []).get(k)!).push(s);
  }
  for (const g of groups) {
    const slices = byPorts.get(g.key) ?? [];
    byPorts.delete(g.key);
    const wanted = new Map(g.endpoints.map((e) => [uidOf(e), e]));
    const filled = slices.map((slice) => {
      const held = ((slice.endpoints as SliceEndpoint[] | undefined) ?? []).map((e) => wanted.get(e.targetRef?.uid)).filter((e): e is SliceEndpoint => !!e);
      for (const e of held) wanted.delete(uidOf(e));
      return { slice, ports: g.ports, endpoints: held };
    });
    const rest = [...wanted.values()].sort(byAddress);
    for (const f of [...filled].sort((a, b) => b.endpoints.length - a.endpoints.length)) {
      while (rest.length && f.endpoints.length < maxEndpointsPerSlice) f.endpoints.push(rest.shift()!);
    }
    for (const f of filled) {
      if (f.endpoints.length) plan.keep.push({ ...f, endpoints: f.endpoints.sort(byAddress) });
      else plan.remove.push(f.slice);
    }
    for (let i = 0; i < rest.length; i += maxEndpointsPerSlice) plan.create.push({ ports: g.ports, endpoints: rest.slice(i, i + maxEndpointsPerSlice) });
  }
  for (const slices of byPorts.values()) plan.remove.push(...slices);
  if (plan.keep.length === 0 && plan.create.length === 0) {
    // The placeholder: an empty slice says "no endpoints" rather than "not synced yet".
    const placeholder = plan.remove.find((s) => !((s.endpoints as unknown[] | undefined) ?? []).length && !((s.ports as unknown[] | undefined) ?? []).length) ?? plan.remove[0];
    if (placeholder) {
      plan.remove = plan.remove.filter((s) => s !== placeholder);
      plan.keep.push({ slice: placeholder, ports: [], endpoints: [] });
    } else {
      plan.create.push({ ports: [], endpoints: [] });
    }
  }
  return plan;
}
