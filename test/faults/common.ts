// What both fault tests use: a seeded random source, and a GraphQL call that fails on any error.

/** A small seeded PRNG (mulberry32): the same seed, the same run. */
export function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** POSTs one operation to `url()` (read at each call: servers restart on new addresses) with `key`. */
export function graphqlCaller(url: () => string, defaultKey: string) {
  return async (query: string, variables: unknown, key = defaultKey): Promise<Record<string, unknown>> => {
    const response = await fetch(url(), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 300));
    return body.data!;
  };
}
