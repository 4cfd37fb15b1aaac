/**
 * A set of field paths, stored as a tree the way Kubernetes serialises it in `fieldsV1`:
 * each child is keyed by its path element (`f:name`, `k:{"name":"web"}`, `v:"x"`, `i:0`) and a
 * node that is itself in the set (not only a way to reach its children) is a member (`.`).
 * Set operations share unchanged subtrees with their inputs: treat results as immutable,
 * and build new sets with insert/child only on sets you created.
 */
export class FieldSet {
  /** This path itself is in the set. */
  member = false;
  readonly children = new Map<string, FieldSet>();

  /** The child under `element`, created when missing. */
  child(element: string): FieldSet {
    let c = this.children.get(element);
    if (!c) this.children.set(element, (c = new FieldSet()));
    return c;
  }

  /** Adds the path made of `elements` as a member. */
  insert(elements: readonly string[]): void {
    let node: FieldSet = this;
    for (const e of elements) node = node.child(e);
    node.member = true;
  }

  has(elements: readonly string[]): boolean {
    let node: FieldSet | undefined = this;
    for (const e of elements) {
      node = node.children.get(e);
      if (!node) return false;
    }
    return node.member;
  }

  /**
   * Every operation keeps the invariant that stored children are non-empty (see pruned), so
   * emptiness is local.
   */
  get empty(): boolean {
    return !this.member && this.children.size === 0;
  }

  /** Paths in either set. */
  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member || other.member;
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      out.children.set(k, o ? c.union(o) : c);
    }
    for (const [k, o] of other.children) if (!this.children.has(k)) out.children.set(k, o);
    return out;
  }

  /** Paths of this set that are not in `other`. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && !other.member;
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      const d = o ? c.difference(o) : c;
      if (!d.empty) out.children.set(k, d);
    }
    return out;
  }

  /** Paths in both sets. */
  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && other.member;
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (!o) continue;
      const i = c.intersection(o);
      if (!i.empty) out.children.set(k, i);
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    if (this.member !== other.member || this.children.size !== other.children.size) return false;
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (!o || !c.equals(o)) return false;
    }
    return true;
  }

  clone(): FieldSet {
    const out = new FieldSet();
    out.member = this.member;
    for (const [k, c] of this.children) out.children.set(k, c.clone());
    return out;
  }

  /** Every member path, parents before children, children in fieldsV1 order. */
  paths(prefix: string[] = []): string[][] {
    const out: string[][] = [];
    if (this.member) out.push(prefix);
    for (const k of sortedElements(this.children.keys())) out.push(...this.children.get(k)!.paths([...prefix, k]));
    return out;
  }

  /** Drops empty descendants (restoring the invariant after in-place building). */
  pruned(): FieldSet {
    for (const [k, c] of this.children) if (c.pruned().empty) this.children.delete(k);
    return this;
  }

  /**
   * The `fieldsV1` JSON object: `.` first for a member with children, then children sorted as
   * Kubernetes sorts path elements (fields, then keys, then values, then indexes).
   *
   * @example
   * const s = new FieldSet(); s.insert(['f:spec', 'f:replicas']);
   * s.toFieldsV1() // { 'f:spec': { 'f:replicas': {} } }
   */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.member && this.children.size) out['.'] = {};
    for (const k of sortedElements(this.children.keys())) {
      const c = this.children.get(k)!;
      if (!c.empty) out[k] = c.toFieldsV1();
    }
    return out;
  }

  /** Reads a `fieldsV1` object; anything that is not an object reads as an empty set. */
  static fromFieldsV1(value: unknown, root = true): FieldSet {
    const out = new FieldSet();
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
    const entries = Object.entries(value as Record<string, unknown>);
    // A leaf is written as `{}`; the root object is the set itself, never a member.
    if (entries.length === 0 && !root) out.member = true;
    for (const [k, v] of entries) {
      if (k === '.') out.member = true;
      else {
        const c = FieldSet.fromFieldsV1(v, false);
        if (!c.empty) out.children.set(k, c);
      }
    }
    return out;
  }
}

const ELEMENT_ORDER: Readonly<Record<string, number>> = { f: 0, k: 1, v: 2, i: 3 };

function sortedElements(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => {
    const ra = ELEMENT_ORDER[a[0]!] ?? 4;
    const rb = ELEMENT_ORDER[b[0]!] ?? 4;
    if (ra !== rb) return ra - rb;
    if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
