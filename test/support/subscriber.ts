import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export interface Subscription<T> {
  readonly received: T[];
  readonly errors: unknown[];
  /** Resolves when the server acknowledged the connection (the subscription itself may still be starting). */
  readonly connected: Promise<void>;
  close(): Promise<void>;
}

/** A real graphql-ws client subscribed to one operation, collecting what it receives. */
export function subscribe<T = Record<string, unknown>>(httpUrl: string, key: string, query: string, variables: Record<string, unknown> = {}): Subscription<T> {
  const client: Client = createClient({
    url: httpUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: 0,
    lazy: false,
  });
  const received: T[] = [];
  const errors: unknown[] = [];
  const connected = new Promise<void>((resolve) => client.on("connected", () => resolve()));
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) errors.push(value.errors);
        else received.push(value.data as T);
      },
      error: (err) => errors.push(err),
      complete: () => undefined,
    },
  );
  return {
    received,
    errors,
    connected,
    async close() {
      unsubscribe();
      await client.dispose();
    },
  };
}
