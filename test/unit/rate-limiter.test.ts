import assert from "node:assert/strict";
import { test } from "node:test";
import { AppError } from "../../src/services/errors";
import { RateLimiter } from "../../src/services/rate-limiter";

test("a key spends its burst, then refills at the rate; keys are independent", () => {
  let now = 0;
  const limiter = new RateLimiter("mutations", 2, 4, () => now);
  for (let i = 0; i < 4; i++) limiter.take("a");
  assert.throws(() => limiter.take("a"), (err: unknown) => err instanceof AppError && err.code === "RATE_LIMITED" && /retry in 500 ms/.test(err.message));
  limiter.take("b");
  now += 500;
  limiter.take("a");
  assert.throws(() => limiter.take("a"), AppError);
  now += 10_000;
  for (let i = 0; i < 4; i++) limiter.take("a");
  assert.throws(() => limiter.take("a"), AppError);
});

test("a cost larger than what is left is refused whole, and costs nothing", () => {
  let now = 0;
  const limiter = new RateLimiter("events", 100, 1000, () => now);
  limiter.take("k", 900);
  assert.throws(() => limiter.take("k", 200), AppError);
  limiter.take("k", 100);
  now += 1000;
  limiter.take("k", 100);
});
