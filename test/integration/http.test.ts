import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { startTestApp, type TestApp } from "../support/app";
import { makeKey } from "../support/keys";
import { CREATE_ALERT, REVOKE_KEY, minimalAlert } from "../support/queries";
import { waitFor } from "../support/wait";

let t: TestApp;
before(async () => {
  t = await startTestApp({ MAX_REQUEST_BYTES: String(64 * 1024) });
});
after(() => t?.stop());

const origin = () => new URL(t.url).origin;
const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(t.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${t.adminKey}`, ...headers }, body });

describe("health", () => {
  test("/healthz and /readyz answer 200 once the app has started", async () => {
    const health = await fetch(`${origin()}/healthz`);
    assert.equal(health.status, 200);
    // Ready once the engine has loaded its state too, a moment after the API listens.
    const ready = await waitFor(async () => {
      const response = await fetch(`${origin()}/readyz`);
      return response.status === 200 ? response : null;
    }, "ready");
    assert.deepEqual(await ready.json(), { status: "ready" });
  });

  test("unknown routes answer 404 JSON", async () => {
    const response = await fetch(`${origin()}/nope`);
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code, "NOT_FOUND");
  });
});

describe("limits and bad requests", () => {
  const errorOf = async (response: Response) => {
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    return body.errors[0];
  };

  test("a body over MAX_REQUEST_BYTES answers 413 PAYLOAD_TOO_LARGE", async () => {
    const big = JSON.stringify({ query: "{ viewer { role } }", variables: { pad: "x".repeat(70 * 1024) } });
    const response = await post(big);
    assert.equal(response.status, 413);
    assert.equal((await errorOf(response)).extensions.code, "PAYLOAD_TOO_LARGE");
  });

  test("a body over the limit without Content-Length (chunked) is cut off with 413 too", async () => {
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 80; i++) controller.enqueue(new TextEncoder().encode("x".repeat(1024)));
        controller.close();
      },
    });
    const response = await fetch(t.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${t.adminKey}` },
      body: chunks,
      duplex: "half",
    } as RequestInit);
    assert.equal(response.status, 413);
  });

  test("malformed JSON answers 400 BAD_REQUEST", async () => {
    const response = await post("{not json");
    assert.equal(response.status, 400);
    assert.equal((await errorOf(response)).extensions.code, "BAD_REQUEST");
  });

  test("a query that does not parse answers 400 GRAPHQL_PARSE_FAILED", async () => {
    const response = await post(JSON.stringify({ query: "{ viewer { " }));
    assert.equal(response.status, 400);
    assert.equal((await errorOf(response)).extensions.code, "GRAPHQL_PARSE_FAILED");
  });

  test("an unknown field answers 400 GRAPHQL_VALIDATION_FAILED", async () => {
    const response = await post(JSON.stringify({ query: "{ viewer { password } }" }));
    assert.equal(response.status, 400);
    assert.equal((await errorOf(response)).extensions.code, "GRAPHQL_VALIDATION_FAILED");
  });

  test("fragments cannot hide depth: the depth rule expands them", async () => {
    // __Type nests without end through ofType; chain fragments past the introspection bound.
    const fragments = Array.from({ length: 20 }, (_, i) => `fragment F${i} on __Type { ofType { ${i < 19 ? `...F${i + 1}` : "name"} } }`).join(" ");
    const response = await post(JSON.stringify({ query: `{ __schema { types { ...F0 } } } ${fragments}` }));
    assert.equal(response.status, 400);
    assert.equal((await errorOf(response)).extensions.code, "QUERY_TOO_COMPLEX");
  });

  test("a query over the cost limit answers QUERY_TOO_COMPLEX before running", async () => {
    const fields = Array.from({ length: 60 }, (_, i) => `a${i}: alerts(first: 100) { nodes { id name conditions { path } } }`).join(" ");
    const response = await post(JSON.stringify({ query: `{ ${fields} }` }));
    assert.equal(response.status, 400);
    const error = await errorOf(response);
    assert.equal(error.extensions.code, "QUERY_TOO_COMPLEX");
    assert.match(error.message, /cost \d+ exceeds the limit of 5000/);
  });

  test("first: 101 answers BAD_USER_INPUT", async () => {
    const response = await post(JSON.stringify({ query: "{ alerts(first: 101) { totalCount } }" }));
    assert.equal(response.status, 400);
    assert.equal((await errorOf(response)).extensions.code, "BAD_USER_INPUT");
  });

  test("a non-JSON content type answers 415", async () => {
    const response = await post("query { viewer { role } }", { "content-type": "text/plain" });
    assert.equal(response.status, 415);
  });

  test("client errors never answer 500 and never carry a stack trace", async () => {
    const bodies = ["[]", "null", '"x"', '{"query": 5}', '{"query":"{viewer{role}}","variables":"nope"}', '{"query":"query($x: Int!){alerts(first:$x){totalCount}}","variables":{"x":"a"}}'];
    for (const body of bodies) {
      const response = await post(body);
      assert.ok(response.status >= 400 && response.status < 500, `${body} -> ${response.status}`);
      const text = await response.text();
      assert.doesNotMatch(text, /stacktrace|at .*\.js:\d+|\/work\//, body);
    }
  });
});

describe("depth limit", () => {
  const nest = (levels: number) => {
    let selection = "name";
    for (let i = 0; i < levels - 3; i++) selection = `ofType { ${selection} }`;
    return `{ __schema { types { ${selection} } } }`;
  };

  test("GraphiQL's full introspection query passes", async () => {
    const { getIntrospectionQuery } = await import("graphql");
    const query = getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true });
    const response = await post(JSON.stringify({ query }));
    assert.equal(response.status, 200);
  });

  test("introspection nested past 20 levels answers QUERY_TOO_COMPLEX", async () => {
    assert.equal((await post(JSON.stringify({ query: nest(20) }))).status, 200);
    const tooDeep = await post(JSON.stringify({ query: nest(21) }));
    assert.equal(tooDeep.status, 400);
    const body = (await tooDeep.json()) as { errors: { extensions: { code: string } }[] };
    assert.equal(body.errors[0].extensions.code, "QUERY_TOO_COMPLEX");
  });
});

describe("graphql-ws transport", () => {
  const wsUrl = () => t.url.replace(/^http/, "ws");

  const connect = (authorization: string | undefined) =>
    createClient({ url: wsUrl(), webSocketImpl: WebSocket, connectionParams: authorization ? { authorization } : {}, retryAttempts: 0, lazy: false });

  test("runs operations with the key from connectionParams", async () => {
    const client = connect(`Bearer ${t.adminKey}`);
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query: "{ viewer { role customerId } }" }, { next: resolve, error: reject, complete: () => undefined });
      });
      assert.deepEqual(result, { data: { viewer: { role: "ADMIN", customerId: null } } });
    } finally {
      await client.dispose();
    }
  });

  test("a missing or unknown key is refused with close code 4403", async () => {
    for (const auth of [undefined, "Bearer not-a-key-at-all"]) {
      const client = connect(auth);
      const closed = await new Promise<number>((resolve) => {
        client.on("closed", (event) => resolve((event as { code: number }).code));
        client.subscribe({ query: "{ viewer { role } }" }, { next: () => undefined, error: () => undefined, complete: () => undefined });
      });
      assert.equal(closed, 4403);
      await client.dispose();
    }
  });

  test("revoking a key closes its open connections", async () => {
    const victim = await makeKey(t, "VIEWER", "acme");
    const client = connect(`Bearer ${victim.secret}`);
    const connected = new Promise<void>((resolve) => client.on("connected", () => resolve()));
    const closed = new Promise<number>((resolve) => client.on("closed", (event) => resolve((event as { code: number }).code)));
    client.subscribe({ query: "{ viewer { role } }" }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    await connected;
    await t.ok(REVOKE_KEY, { id: victim.id });
    assert.equal(await closed, 4403);
    await client.dispose();
  });

  test("mutations over the socket obey the same roles", async () => {
    const viewer = await makeKey(t, "VIEWER", "acme");
    const client = connect(`Bearer ${viewer.secret}`);
    try {
      const result = await new Promise<{ errors?: { extensions?: { code?: string } }[] }>((resolve) => {
        client.subscribe(
          { query: CREATE_ALERT, variables: { input: minimalAlert() } },
          { next: (value) => resolve(value as never), error: (err) => resolve({ errors: [{ extensions: { code: String(err) } }] }), complete: () => undefined },
        );
      });
      assert.equal(result.errors?.[0]?.extensions?.code, "FORBIDDEN");
    } finally {
      await client.dispose();
    }
  });
});
