import assert from "node:assert/strict";
import { test } from "node:test";
import { AppError } from "../../src/services/errors";
import { decodeCursor, encodeCursor, pageSize } from "../../src/services/pagination";

test("cursors round-trip and are opaque", () => {
  const cursor = encodeCursor("alert", 42n);
  assert.doesNotMatch(cursor, /42/);
  assert.equal(decodeCursor("alert", cursor), 42n);
  assert.equal(decodeCursor("alert", undefined), undefined);
  assert.equal(decodeCursor("alert", null), undefined);
});

test("forged cursors are BAD_USER_INPUT", () => {
  const forged = [
    encodeCursor("change", 1),
    Buffer.from("alert:-1").toString("base64url"),
    Buffer.from("alert:1; DROP TABLE").toString("base64url"),
    Buffer.from("alert:99999999999999999999").toString("base64url"),
    "not base64!",
    "",
    "a".repeat(65),
  ];
  for (const cursor of forged) {
    assert.throws(() => decodeCursor("alert", cursor), (err: unknown) => err instanceof AppError && err.code === "BAD_USER_INPUT", cursor);
  }
});

test("page size: default 50, 1 to 100", () => {
  assert.equal(pageSize(undefined), 50);
  assert.equal(pageSize(null), 50);
  assert.equal(pageSize(1), 1);
  assert.equal(pageSize(100), 100);
  for (const bad of [0, 101, -1, 1.5]) assert.throws(() => pageSize(bad), AppError);
});
