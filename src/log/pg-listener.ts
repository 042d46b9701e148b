import { Client } from "pg";
import type { Logger } from "pino";

type Handler = (payload: string) => void;

/**
 * LISTEN on a dedicated connection, reconnecting with backoff when it drops. After a reconnect every
 * channel's handlers are called with "" : notifications may have been missed, so readers re-poll.
 */
export class PgListener {
  private client: Client | undefined;
  private readonly handlers = new Map<string, Set<Handler>>();
  private closed = false;
  private retryMs = 100;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  async listen(channel: string, handler: Handler): Promise<() => void> {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`bad channel name ${channel}`);
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      if (this.client) await this.client.query(`LISTEN ${channel}`).catch(() => undefined);
    }
    set.add(handler);
    await this.connect();
    return () => set.delete(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 5_000, keepAlive: true });
    client.on("notification", (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? "");
    });
    client.on("error", (err) => {
      this.logger.warn({ err: err.message }, "notification connection lost; reconnecting");
      this.dropAndRetry(client);
    });
    client.on("end", () => this.dropAndRetry(client));
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
      this.client = client;
      this.retryMs = 100;
      for (const set of this.handlers.values()) for (const handler of set) handler("");
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, retryMs: this.retryMs }, "cannot listen for notifications yet");
      await client.end().catch(() => undefined);
      this.scheduleRetry();
    }
  }

  private dropAndRetry(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 5_000);
    setTimeout(() => void this.connect(), delay).unref();
  }
}
