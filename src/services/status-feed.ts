import type { Logger } from "pino";
import type { PgListener } from "../log/pg-listener";
import { STATUS_CHANNEL } from "../store/engine-store";
import type { MonitoringStore, StatusRecord } from "../store/monitoring-store";
import { isPlatform, type Principal } from "./principal";
import { PushQueue } from "./push-queue";

interface Subscriber {
  readonly principal: Principal;
  readonly alertId: string | null;
  readonly customerId: string | null;
  readonly queue: PushQueue<StatusRecord>;
}

/** alertStatusChanged: the engine notifies (throttled per status); the feed reads the status and fans out. */
export class StatusFeed {
  private readonly subscribers = new Set<Subscriber>();
  private chain: Promise<void> = Promise.resolve();
  private unlisten: (() => void) | undefined;

  constructor(
    private readonly store: MonitoringStore,
    private readonly listener: PgListener,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.listener.listen(STATUS_CHANNEL, (payload) => {
      if (payload === "" || this.subscribers.size === 0) return;
      this.chain = this.chain.then(() => this.onNotice(payload)).catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, "status feed could not read statuses"));
    });
  }

  stop(): void {
    this.unlisten?.();
    for (const subscriber of [...this.subscribers]) subscriber.queue.return();
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  subscribe(principal: Principal, alertId: string | null, customerId: string | null): AsyncIterableIterator<StatusRecord> {
    const subscriber: Subscriber = { principal, alertId, customerId, queue: new PushQueue<StatusRecord>(() => this.subscribers.delete(subscriber)) };
    this.subscribers.add(subscriber);
    return subscriber.queue;
  }

  private async onNotice(payload: string): Promise<void> {
    for (const [alertId, customerId, groupKey] of JSON.parse(payload) as [string, string, string | null][]) {
      const interested = [...this.subscribers].filter(
        (s) =>
          (isPlatform(s.principal) || s.principal.customerId === customerId) &&
          (s.alertId === null || s.alertId === alertId) &&
          (s.customerId === null || s.customerId === customerId),
      );
      if (interested.length === 0) continue;
      const status = await this.store.status(alertId, customerId, groupKey);
      if (!status) continue;
      for (const subscriber of interested) subscriber.queue.push(status);
    }
  }
}
