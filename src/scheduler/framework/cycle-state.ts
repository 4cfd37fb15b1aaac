/**
 * Per-scheduling-cycle data, each plugin under its own key (framework.CycleState). Values
 * that preemption changes while it tries victims implement `clone`.
 */
export interface StateData {
  clone(): StateData;
}

export class CycleState {
  private readonly data = new Map<string, StateData>();
  /** Set by PreFilter plugins that returned Skip: their Filter is not run this cycle. */
  readonly skipFilter = new Set<string>();
  readonly skipScore = new Set<string>();
  /** The Filter plugins that run this cycle (set once PreFilter is done). */
  filters?: readonly import('./interfaces.js').FilterPlugin[];
  /** The same plugins, most selective first: the pass/fail answer is the same in any order. */
  quickFilters?: readonly import('./interfaces.js').FilterPlugin[];

  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }

  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v.clone());
    for (const s of this.skipFilter) c.skipFilter.add(s);
    for (const s of this.skipScore) c.skipScore.add(s);
    c.filters = this.filters;
    c.quickFilters = this.quickFilters;
    return c;
  }
}
