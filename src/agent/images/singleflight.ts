/**
 * Deduplicates concurrent work by key: while a call for a key is running, later calls for
 * the same key share its promise (two pods pulling one image download it once).
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  /**
   * @example
   * const flights = new SingleFlight<LayerRecord>();
   * await flights.do(diffID, () => unpack(diffID));
   */
  do(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.running.get(key);
    if (existing) return existing;
    const p = fn().finally(() => this.running.delete(key));
    this.running.set(key, p);
    return p;
  }

  get size(): number {
    return this.running.size;
  }
}
