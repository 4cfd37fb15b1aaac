import type { MapElement } from './proxy-rules.js';

/** A change to one element of a shared map or set. */
export interface ElementChange {
  map: string;
  key: string;
  /** The verdict now (undefined: the element goes away, or is a plain set element). */
  value?: string;
  op: 'add' | 'delete';
}

/**
 * Who wants which element of the shared maps. Two service ports may want the same key (two
 * Services claiming one external IP and port, or sharing a hairpin address): the element
 * stays while any owner wants it and carries the value of the first owner by name, so
 * the kernel never sees a duplicate and a change is always a delete then an add.
 */
export class ElementTable {
  private readonly owners = new Map<string, Map<string, string | undefined>>();
  /** What the kernel holds: id → value. */
  private readonly applied = new Map<string, string | undefined>();
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly touched = new Set<string>();

  private static id(e: { map: string; key: string }): string {
    return `${e.map} ${e.key}`;
  }

  /** Replaces everything `owner` wants. */
  set(owner: string, elements: readonly MapElement[]): void {
    const before = this.byOwner.get(owner) ?? new Set<string>();
    const now = new Set<string>();
    for (const e of elements) {
      const id = ElementTable.id(e);
      now.add(id);
      let o = this.owners.get(id);
      if (!o) this.owners.set(id, (o = new Map()));
      if (!o.has(owner) || o.get(owner) !== e.value) {
        o.set(owner, e.value);
        this.touched.add(id);
      }
    }
    for (const id of before) {
      if (now.has(id)) continue;
      const o = this.owners.get(id)!;
      o.delete(owner);
      if (o.size === 0) this.owners.delete(id);
      this.touched.add(id);
    }
    if (now.size) this.byOwner.set(owner, now);
    else this.byOwner.delete(owner);
  }

  private desired(id: string): { present: boolean; value?: string } {
    const o = this.owners.get(id);
    if (!o || o.size === 0) return { present: false };
    const first = [...o.keys()].sort()[0]!;
    return { present: true, value: o.get(first) };
  }

  /** The element changes since the last commit (deletes first, then adds). */
  pending(): ElementChange[] {
    const dels: ElementChange[] = [];
    const adds: ElementChange[] = [];
    for (const id of this.touched) {
      const want = this.desired(id);
      const had = this.applied.has(id);
      const [map, key] = [id.slice(0, id.indexOf(' ')), id.slice(id.indexOf(' ') + 1)];
      if (had && (!want.present || this.applied.get(id) !== want.value)) dels.push({ map, key, op: 'delete' });
      if (want.present && (!had || this.applied.get(id) !== want.value)) adds.push({ map, key, value: want.value, op: 'add' });
    }
    return [...dels, ...adds];
  }

  /** Every element wanted now (for a full rewrite). */
  all(): ElementChange[] {
    return [...this.owners.keys()].map((id) => {
      const [map, key] = [id.slice(0, id.indexOf(' ')), id.slice(id.indexOf(' ') + 1)];
      return { map, key, value: this.desired(id).value, op: 'add' as const };
    });
  }

  /** The kernel now holds what pending() (or all(), when `full`) described. */
  commit(full = false): void {
    const ids = full ? [...this.applied.keys(), ...this.owners.keys()] : [...this.touched];
    for (const id of ids) {
      const want = this.desired(id);
      if (want.present) this.applied.set(id, want.value);
      else this.applied.delete(id);
    }
    this.touched.clear();
  }
}
