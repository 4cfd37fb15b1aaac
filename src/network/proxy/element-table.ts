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

/**
 * One element of one map: who wants it, and what the kernel holds. A full sync of 10,000
 * Services tracks ~60,000 of these, so each is one small object found by map and key
 * (no composite id strings to build and split again).
 */
interface Entry {
  readonly map: string;
  readonly key: string;
  owners: Owners | undefined;
  applied: boolean;
  appliedValue: string | undefined;
  /** The set() call that last claimed it (tells dropped entries from kept ones). */
  mark: number;
}

function desiredValue(o: Owners): string | undefined {
  if (!(o instanceof Map)) return o.value;
  const first = [...o.keys()].sort()[0]!;
  return o.get(first);
}

/**
 * Who wants which element of the shared maps. Two service ports may want the same key (two
 * Services claiming one external IP and port, or sharing a hairpin address): the element
 * stays while any owner wants it and carries the value of the first owner by name, so
 * the kernel never sees a duplicate and a change is always a delete then an add.
 *
 * @example
 * const t = new ElementTable();
 * t.set('default/web/tcp/http', [{ map: 'cluster-ips', key: '10.43.0.10' }]);
 * t.pending(); // [{ op: 'add', map: 'cluster-ips', key: '10.43.0.10' }]
 * t.commit();
 */
export class ElementTable {
  private readonly maps = new Map<string, Map<string, Entry>>();
  private readonly byOwner = new Map<string, Entry[]>();
  private readonly touched = new Set<Entry>();
  private marks = 0;

  private entry(map: string, key: string): Entry {
    let m = this.maps.get(map);
    if (!m) this.maps.set(map, (m = new Map()));
    let e = m.get(key);
    if (!e) m.set(key, (e = { map, key, owners: undefined, applied: false, appliedValue: undefined, mark: 0 }));
    return e;
  }

  private add(e: Entry, owner: string, value: string | undefined): void {
    const o = e.owners;
    if (!o) {
      e.owners = { owner, value };
    } else if (o instanceof Map) {
      if (o.get(owner) === value && o.has(owner)) return;
      o.set(owner, value);
    } else if (o.owner === owner) {
      if (o.value === value) return;
      o.value = value;
    } else {
      e.owners = new Map([[o.owner, o.value], [owner, value]]);
    }
    this.touched.add(e);
  }

  private drop(e: Entry, owner: string): void {
    const o = e.owners;
    if (!o) return;
    if (o instanceof Map) {
      o.delete(owner);
      if (o.size === 1) {
        const [[only, value]] = [...o];
        e.owners = { owner: only!, value };
      } else if (o.size === 0) e.owners = undefined;
    } else if (o.owner === owner) e.owners = undefined;
    this.touched.add(e);
  }

  /** Replaces everything `owner` wants. */
  set(owner: string, elements: readonly MapElement[]): void {
    const before = this.byOwner.get(owner);
    const mark = ++this.marks;
    const now: Entry[] = [];
    for (const el of elements) {
      const e = this.entry(el.map, el.key);
      e.mark = mark;
      now.push(e);
      this.add(e, owner, el.value);
    }
    if (before) for (const e of before) if (e.mark !== mark) this.drop(e, owner);
    if (now.length) this.byOwner.set(owner, now);
    else this.byOwner.delete(owner);
  }

  /** The element changes since the last commit (deletes first, then adds). */
  pending(): ElementChange[] {
    const dels: ElementChange[] = [];
    const adds: ElementChange[] = [];
    for (const e of this.touched) {
      const present = e.owners !== undefined;
      const value = e.owners && desiredValue(e.owners);
      if (e.applied && (!present || e.appliedValue !== value)) dels.push({ map: e.map, key: e.key, op: 'delete' });
      if (present && (!e.applied || e.appliedValue !== value)) adds.push({ map: e.map, key: e.key, value, op: 'add' });
    }
    return [...dels, ...adds];
  }

  /**
   * Every element wanted now, per map, as nft element text (`key` or `key : value`): what a
   * full rewrite loads.
   */
  allText(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [map, entries] of this.maps) {
      const items: string[] = [];
      for (const e of entries.values()) {
        if (!e.owners) continue;
        const value = desiredValue(e.owners);
        items.push(value === undefined ? e.key : `${e.key} : ${value}`);
      }
      if (items.length) out.set(map, items);
    }
    return out;
  }

  /** The kernel now holds what pending() (or allText(), when `full`) described. */
  commit(full = false): void {
    const settle = (e: Entry) => {
      e.applied = e.owners !== undefined;
      e.appliedValue = e.owners && desiredValue(e.owners);
      if (!e.applied) this.maps.get(e.map)?.delete(e.key);
    };
    if (full) for (const entries of this.maps.values()) for (const e of entries.values()) settle(e);
    else for (const e of this.touched) settle(e);
    this.touched.clear();
  }
}
