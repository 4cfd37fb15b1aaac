import type { MapElement } from './proxy-rules.js';

/** A change to one element of a shared map or set. */
export interface ElementChange {
  map: string;
  key: string;
  /** The verdict now (undefined: the element goes away, or is a plain set element). */
  value?: string;
  op: 'add' | 'delete';
}

/** Who wants one element: almost always a single owner, so that case allocates no Map. */
type Owners = { owner: string; value: string | undefined } | Map<string, string | undefined>;

function desired(o: Owners | undefined): { present: boolean; value?: string } {
  if (!o) return { present: false };
  if (!(o instanceof Map)) return { present: true, value: o.value };
  const first = [...o.keys()].sort()[0]!;
  return { present: true, value: o.get(first) };
}

function split(id: string): [string, string] {
  const i = id.indexOf(' ');
  return [id.slice(0, i), id.slice(i + 1)];
}

/**
 * Who wants which element of the shared maps. Two service ports may want the same key (two
 * Services claiming one external IP and port, or sharing a hairpin address): the element
 * stays while any owner wants it and carries the value of the first owner by name, so
 * the kernel never sees a duplicate and a change is always a delete then an add.
 */
export class ElementTable {
  private readonly owners = new Map<string, Owners>();
  /** What the kernel holds: id → value. */
  private readonly applied = new Map<string, string | undefined>();
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly touched = new Set<string>();

  private add(id: string, owner: string, value: string | undefined): void {
    const o = this.owners.get(id);
    if (!o) {
      this.owners.set(id, { owner, value });
    } else if (o instanceof Map) {
      if (o.get(owner) === value && o.has(owner)) return;
      o.set(owner, value);
    } else if (o.owner === owner) {
      if (o.value === value) return;
      o.value = value;
    } else {
      this.owners.set(id, new Map([[o.owner, o.value], [owner, value]]));
    }
    this.touched.add(id);
  }

  private drop(id: string, owner: string): void {
    const o = this.owners.get(id);
    if (!o) return;
    if (o instanceof Map) {
      o.delete(owner);
      if (o.size === 1) {
        const [[only, value]] = [...o];
        this.owners.set(id, { owner: only!, value });
      } else if (o.size === 0) this.owners.delete(id);
    } else if (o.owner === owner) this.owners.delete(id);
    this.touched.add(id);
  }

  /** Replaces everything `owner` wants. */
  set(owner: string, elements: readonly MapElement[]): void {
    const before = this.byOwner.get(owner);
    const now = new Set<string>();
    for (const e of elements) {
      const id = `${e.map} ${e.key}`;
      now.add(id);
      this.add(id, owner, e.value);
    }
    if (before) for (const id of before) if (!now.has(id)) this.drop(id, owner);
    if (now.size) this.byOwner.set(owner, now);
    else this.byOwner.delete(owner);
  }

  /** The element changes since the last commit (deletes first, then adds). */
  pending(): ElementChange[] {
    const dels: ElementChange[] = [];
    const adds: ElementChange[] = [];
    for (const id of this.touched) {
      const want = desired(this.owners.get(id));
      const had = this.applied.has(id);
      const [map, key] = split(id);
      if (had && (!want.present || this.applied.get(id) !== want.value)) dels.push({ map, key, op: 'delete' });
      if (want.present && (!had || this.applied.get(id) !== want.value)) adds.push({ map, key, value: want.value, op: 'add' });
    }
    return [...dels, ...adds];
  }

  /** Every element wanted now (for a full rewrite). */
  all(): ElementChange[] {
    const out: ElementChange[] = [];
    for (const [id, o] of this.owners) {
      const [map, key] = split(id);
      out.push({ map, key, value: desired(o).value, op: 'add' });
    }
    return out;
  }

  /** The kernel now holds what pending() (or all(), when `full`) described. */
  commit(full = false): void {
    if (full) {
      this.applied.clear();
      for (const [id, o] of this.owners) this.applied.set(id, desired(o).value);
    } else {
      for (const id of this.touched) {
        const want = desired(this.owners.get(id));
        if (want.present) this.applied.set(id, want.value);
        else this.applied.delete(id);
      }
    }
    this.touched.clear();
  }
}
