/** A min-heap of (dueMs, key): the statuses whose windows move with the clock, soonest first. */
export class TimerHeap {
  private readonly due: number[] = [];
  private readonly keys: string[] = [];

  get size(): number {
    return this.due.length;
  }

  push(dueMs: number, key: string): void {
    this.due.push(dueMs);
    this.keys.push(key);
    let i = this.due.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.due[parent] <= dueMs) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The earliest due time, or undefined when empty. */
  peek(): number | undefined {
    return this.due[0];
  }

  /** Removes and returns the earliest entry when it is due at or before nowMs. */
  popDue(nowMs: number): { dueMs: number; key: string } | undefined {
    if (this.due.length === 0 || this.due[0] > nowMs) return undefined;
    const entry = { dueMs: this.due[0], key: this.keys[0] };
    const lastDue = this.due.pop()!;
    const lastKey = this.keys.pop()!;
    if (this.due.length > 0) {
      this.due[0] = lastDue;
      this.keys[0] = lastKey;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < this.due.length && this.due[l] < this.due[smallest]) smallest = l;
        if (r < this.due.length && this.due[r] < this.due[smallest]) smallest = r;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return entry;
  }

  clear(): void {
    this.due.length = 0;
    this.keys.length = 0;
  }

  private swap(a: number, b: number): void {
    [this.due[a], this.due[b]] = [this.due[b], this.due[a]];
    [this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
  }
}
