import { CREATE_KEY } from "./queries";
import type { TestApp } from "./app";

export type RoleName = "ADMIN" | "EDITOR" | "VIEWER";

/** Creates a key through the API with the platform ADMIN key and returns its secret and id. */
export async function makeKey(t: TestApp, role: RoleName, customerId: string | null, name = `${customerId ?? "platform"}-${role}`) {
  const data = await t.ok<{ createApiKey: { secret: string; apiKey: { id: string } } }>(CREATE_KEY, {
    input: { name, role, customerId },
  });
  return { secret: data.createApiKey.secret, id: data.createApiKey.apiKey.id };
}
