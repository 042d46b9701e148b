// postJson against a real loopback server: the send-time address check, the timeout, the capped answer,
// no redirects. (The guard is what stops DNS rebinding: the socket connects to the address it checked.)
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { postJson } from "../../src/notify/http-sender";
import { startHttpReceiver, type HttpReceiver } from "../support/receivers";

let receiver: HttpReceiver;
before(async () => {
  receiver = await startHttpReceiver();
});
after(() => receiver.close());

const options = { timeoutMs: 500, allowPrivate: true, maxResponseBytes: 64 };

describe("postJson", () => {
  test("a name that resolves to loopback is refused when it connects, and nothing is sent", async () => {
    const before = receiver.requests.length;
    const port = new URL(receiver.url).port;
    const outcome = await postJson(new URL(`http://localhost:${port}/x`), "{}", {}, { ...options, allowPrivate: false });
    assert.equal(outcome.ok, false);
    assert.match(outcome.error!, /^localhost resolves to (127\.0\.0\.1|::1), a private or reserved address$/);
    const literal = await postJson(new URL(`http://127.0.0.1:${port}/x`), "{}", {}, { ...options, allowPrivate: false });
    assert.match(literal.error!, /127\.0\.0\.1 is a private or reserved address/);
    assert.equal(receiver.requests.length, before);
  });

  test("a receiver that does not answer in time fails with the bound, not a hang", async () => {
    receiver.answer = () => ({ hangMs: 2_000 });
    try {
      const outcome = await postJson(new URL(`${receiver.url}/slow`), "{}", {}, options);
      assert.deepEqual([outcome.ok, outcome.status, outcome.error], [false, null, "no answer within 500 ms"]);
      assert.ok(outcome.latencyMs < 1_500);
    } finally {
      receiver.answer = () => ({ status: 200 });
    }
  });

  test("redirects are not followed; long answers are cut", async () => {
    receiver.answer = (req) => (req.path === "/moved" ? { status: 302, headers: { location: "http://169.254.169.254/" } } : { status: 500, body: "x".repeat(10_000) });
    try {
      const moved = await postJson(new URL(`${receiver.url}/moved`), "{}", {}, options);
      assert.deepEqual([moved.ok, moved.status], [false, 302]);
      assert.match(moved.error!, /redirects are not followed/);
      assert.equal(receiver.requests.filter((r) => r.path === "/").length, 0);
      const long = await postJson(new URL(`${receiver.url}/long`), "{}", {}, options);
      assert.equal(long.error, `HTTP 500: ${"x".repeat(64)}`);
    } finally {
      receiver.answer = () => ({ status: 200 });
    }
  });

  test("a 2xx is delivered, with the given headers sent", async () => {
    const outcome = await postJson(new URL(`${receiver.url}/ok`), '{"a":1}', { "webhook-id": "m1" }, options);
    assert.deepEqual([outcome.ok, outcome.status, outcome.error], [true, 200, null]);
    const sent = receiver.requests.at(-1)!;
    assert.equal(sent.headers["webhook-id"], "m1");
    assert.equal(sent.headers["content-type"], "application/json");
    assert.equal(sent.body, '{"a":1}');
  });
});
