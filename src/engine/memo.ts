/**
 * Values computed once per distinct key and shared, for compiled code that holds no state (paths,
 * regexes, conditions): thousands of alerts over a few dozen paths then run a few dozen closures,
 * whose code and inline caches stay warm, instead of thousands (issue 7). Bounded: past `limit`
 * keys it starts over. A computation that throws is not remembered.
 */
export class Memo<T> {
  private readonly values = new Map<string, T>();

  constructor(private readonly limit: number) {}

  get(key: string, compute: () => T): T {
    let value = this.values.get(key);
    if (value === undefined) {
      value = compute();
      if (this.values.size >= this.limit) this.values.clear();
      this.values.set(key, value);
    }
    return value;
  }
}
