import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Standard Webhooks secrets: "whsec_" and the base64 of the HMAC key. */
const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString("base64");
}

export function isWebhookSecret(secret: string): boolean {
  return secret.startsWith(SECRET_PREFIX) && Buffer.from(secret.slice(SECRET_PREFIX.length), "base64").length >= 24;
}

/** "v1," and the base64 HMAC-SHA256 of "id.timestamp.body" under the secret's key. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64")}`;
}

/** The webhook-signature header: one signature per secret in force, space-separated (a rotation's overlap). */
export function signatureHeader(secrets: readonly string[], id: string, timestampSeconds: number, body: string): string {
  return secrets.map((secret) => signWebhook(secret, id, timestampSeconds, body)).join(" ");
}

/** A receiver's check, as the README shows it: any of the header's v1 signatures matches. */
export function verifyWebhook(secret: string, headers: { id: string; timestamp: string; signature: string }, body: string, toleranceSeconds = 300, nowMs = Date.now()): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, headers.id, timestamp, body));
  return headers.signature.split(" ").some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
