import { randomBytes } from "node:crypto";
import { startApp, type RunningApp } from "../../src/app";
import { loadConfig } from "../../src/config/config";
import { createLogger } from "../../src/logger";
import { createTestDatabase } from "./database";

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; fields?: { field: string; message: string }[] } }[];
}

export interface TestApp {
  readonly app: RunningApp;
  readonly url: string;
  readonly databaseUrl: string;
  /** The platform ADMIN key the app was started with. */
  readonly adminKey: string;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphQLResult<T>>;
  /** Like gql, but fails the test on any error. */
  ok<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<T>;
  stop(): Promise<void>;
}

/** The whole app on a fresh database of the test server, on a free port. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const adminKey = `test-admin-${randomBytes(16).toString("hex")}`;
  // Tests hammer the API with one key; rate limits get tests of their own (rate-limit.test.ts).
  const config = loadConfig({ DATABASE_URL: db.url, PORT: "0", ADMIN_API_KEY: adminKey, LOG_LEVEL: "warn", RATE_LIMIT_MUTATIONS_PER_SECOND: "100000", ...env });
  const app = await startApp(config, createLogger(process.env.TEST_LOG_LEVEL ?? "silent"));
  const url = app.url!;
  const gql = async <T>(query: string, variables?: Record<string, unknown>, key: string | null = adminKey): Promise<GraphQLResult<T>> => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as Omit<GraphQLResult<T>, "status">) };
  };
  return {
    app,
    url,
    databaseUrl: db.url,
    adminKey,
    gql,
    async ok<T>(query: string, variables?: Record<string, unknown>, key?: string | null) {
      const result = await gql<T>(query, variables, key);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
      return result.data as T;
    },
    async stop() {
      await app.stop();
      await db.drop();
    },
  };
}
