import { tryParseQuantity } from '../../api/quantity.js';

/**
 * Compute resources as plain numbers (framework.Resource): CPU in millicores, memory and
 * ephemeral storage in bytes, extended resources by name. Parsed once per object, so the
 * filter and score loops compare numbers only.
 */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  /** Extended and hugepages resources (`example.com/gpu`, `hugepages-2Mi`). */
  scalar?: Map<string, number>;
}

/** What the scheduler assumes for a container that requests no CPU / memory, when scoring. */
export const defaultMilliCPURequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0 };
}

export function cloneResource(r: Resource): Resource {
  return { ...r, scalar: r.scalar ? new Map(r.scalar) : undefined };
}

const parsed = new Map<string, { milli: number; value: number }>();

/** Quantity.MilliValue() and Value() (both round up), cached by spelling. */
function quantity(v: unknown): { milli: number; value: number } {
  const key = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '';
  let hit = parsed.get(key);
  if (!hit) {
    const q = tryParseQuantity(key);
    const nanos = q ? q.nanos : 0n;
    const ceil = (d: bigint) => Number(nanos / d + (nanos % d > 0n ? 1n : 0n));
    hit = { milli: ceil(1_000_000n), value: ceil(1_000_000_000n) };
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(key, hit);
  }
  return hit;
}

/** IsScalarResourceName: extended resources (`example.com/gpu`), prefixed native ones, hugepages, attachable volumes. */
function isScalar(name: string): boolean {
  return name.startsWith('hugepages-') || name.startsWith('attachable-volumes-') || (name.includes('/') && !name.startsWith('requests.'));
}

/** Adds a ResourceList (`{ cpu: '500m', memory: '1Gi' }`) to `r`. */
export function addResourceList(r: Resource, list: unknown): void {
  if (!list || typeof list !== 'object') return;
  for (const [name, v] of Object.entries(list as Record<string, unknown>)) {
    if (name === 'cpu') r.milliCPU += quantity(v).milli;
    else if (name === 'memory') r.memory += quantity(v).value;
    else if (name === 'pods') r.allowedPodNumber += quantity(v).value;
    else if (name === 'ephemeral-storage') r.ephemeralStorage += quantity(v).value;
    else if (isScalar(name)) (r.scalar ??= new Map()).set(name, (r.scalar.get(name) ?? 0) + quantity(v).value);
  }
}

/** Raises each resource of `r` to at least what `other` has (init containers run one at a time). */
export function maxResource(r: Resource, other: Resource): void {
  r.milliCPU = Math.max(r.milliCPU, other.milliCPU);
  r.memory = Math.max(r.memory, other.memory);
  r.ephemeralStorage = Math.max(r.ephemeralStorage, other.ephemeralStorage);
  for (const [k, v] of other.scalar ?? []) (r.scalar ??= new Map()).set(k, Math.max(r.scalar.get(k) ?? 0, v));
}

export function addResource(r: Resource, other: Resource, sign = 1): void {
  r.milliCPU += sign * other.milliCPU;
  r.memory += sign * other.memory;
  r.ephemeralStorage += sign * other.ephemeralStorage;
  for (const [k, v] of other.scalar ?? []) (r.scalar ??= new Map()).set(k, (r.scalar.get(k) ?? 0) + sign * v);
}

/** A node's allocatable ResourceList as a Resource. */
export function resourceFromList(list: unknown): Resource {
  const r = emptyResource();
  addResourceList(r, list);
  return r;
}
