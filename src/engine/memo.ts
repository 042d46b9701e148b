/**
 * A function of a string, computed once per distinct key and shared. For compiled code that holds no
 * state (paths, regexes): thousands of alerts over a few dozen paths then run a few dozen closures,
 * whose code and inline caches stay warm, instead of thousands (issue 7). Bounded: past `limit` keys
 * it starts over. A computation that throws is not remembered.
 */
export function memoized<T>(limit: number, compute: (key: string) => T): (key: string) => T {
  const values = new Map<string, T>();
  return (key) => {
    let value = values.get(key);
    if (value === undefined) {
      value = compute(key);
      if (values.size >= limit) values.clear();
      values.set(key, value);
    }
    return value;
  };
}
