import type { Logger } from "pino";
import { SEVERITIES, type Severity } from "../engine/alert-definition";
import type { PgListener } from "../log/pg-listener";
import { CROSSINGS_CHANNEL } from "../store/engine-store";
import type { CrossingRecord, MonitoringStore } from "../store/monitoring-store";
import { AppError } from "./errors";
import { isPlatform, type Principal } from "./principal";
import { PushQueue } from "./push-queue";

export interface CrossingSubscriptionFilter {
  readonly alertId?: string | null;
  readonly customerId?: string | null;
  readonly minSeverity?: Severity | null;
  /** Resume after this per-customer cursor: stored crossings first, then live, no gap, no repeat. */
  readonly after?: bigint;
}

interface Subscriber {
  readonly principal: Principal;
  readonly filter: CrossingSubscriptionFilter;
  readonly queue: PushQueue<CrossingRecord>;
  readonly lastSent: Map<string, bigint>;
  replaying: CrossingRecord[] | undefined;
}

const REPLAY_PAGE = 500;
const RESYNC_LIMIT = 1000;

/**
 * Live crossings for subscribers. The engine notifies at commit, in commit order, with each customer's
 * new cursor range; the feed reads those rows and hands them to every subscriber allowed to see them.
 */
export class CrossingFeed {
  private readonly subscribers = new Set<Subscriber>();
  /** The highest cursor dispatched per customer: after a lost connection, read on from there. */
  private readonly dispatched = new Map<string, bigint>();
  private chain: Promise<void> = Promise.resolve();
  private unlisten: (() => void) | undefined;

  constructor(
    private readonly store: MonitoringStore,
    private readonly listener: PgListener,
    private readonly logger: Logger,
  ) {}

  /** Listens for the engine's commit-time notices (embedded mode). */
  async start(): Promise<void> {
    this.unlisten = await this.listener.listen(CROSSINGS_CHANNEL, (payload) => {
      if (payload === "") {
        this.enqueue(() => this.resync());
        return;
      }
      for (const [customerId, from, to] of JSON.parse(payload) as [string, string, string][]) this.announce(customerId, BigInt(from), BigInt(to));
    });
  }

  /**
   * New crossings of a customer, cursors from..to, are stored. From either source (NOTIFY or the
   * crossings topic); a gap since the last dispatched cursor is read from the table too.
   */
  announce(customerId: string, from: bigint, to: bigint): void {
    this.enqueue(async () => {
      const last = this.dispatched.get(customerId);
      if (last !== undefined && to <= last) return;
      const start = last !== undefined ? last + 1n : from;
      for (const row of await this.store.crossingRange(customerId, start, to)) this.dispatch(row);
    });
  }

  private enqueue(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, "crossing feed could not read new crossings"));
  }

  stop(): void {
    this.unlisten?.();
    for (const subscriber of [...this.subscribers]) subscriber.queue.return();
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  subscribe(principal: Principal, filter: CrossingSubscriptionFilter): AsyncIterableIterator<CrossingRecord> {
    const resumeCustomer = filter.after !== undefined ? (principal.customerId ?? filter.customerId) : undefined;
    if (filter.after !== undefined && !resumeCustomer) {
      throw new AppError("BAD_USER_INPUT", "customerId: cursors are per customer; with after, a platform key must also give customerId", [
        { field: "customerId", message: "required with after for a platform key" },
      ]);
    }
    const subscriber: Subscriber = {
      principal,
      filter,
      queue: new PushQueue<CrossingRecord>(() => this.subscribers.delete(subscriber)),
      lastSent: new Map(),
      replaying: filter.after !== undefined ? [] : undefined,
    };
    this.subscribers.add(subscriber);
    if (filter.after !== undefined) void this.replay(subscriber, resumeCustomer!, filter.after);
    return subscriber.queue;
  }

  private async replay(subscriber: Subscriber, customerId: string, after: bigint): Promise<void> {
    try {
      subscriber.lastSent.set(customerId, after);
      for (;;) {
        const { rows } = await this.store.crossings(
          { customerId, alertId: subscriber.filter.alertId ?? undefined, afterCursor: subscriber.lastSent.get(customerId), liveOnly: true, limit: REPLAY_PAGE },
          false,
        );
        for (const row of rows) this.send(subscriber, row);
        if (rows.length < REPLAY_PAGE) break;
      }
      const buffered = subscriber.replaying ?? [];
      subscriber.replaying = undefined;
      for (const row of buffered) this.send(subscriber, row);
    } catch (err) {
      subscriber.queue.fail(new Error("could not read stored crossings; resubscribe to try again"));
      this.logger.warn({ err: (err as Error).message }, "crossing replay failed");
    }
  }

  /** The notification connection was lost and is back: read on from what was dispatched. */
  private async resync(): Promise<void> {
    for (const [customerId, last] of this.dispatched) {
      const { rows } = await this.store.crossings({ customerId, afterCursor: last, limit: RESYNC_LIMIT }, false);
      for (const row of rows) this.dispatch(row);
    }
  }

  private dispatch(row: CrossingRecord): void {
    const last = this.dispatched.get(row.customerId);
    if (last !== undefined && row.cursor <= last) return;
    this.dispatched.set(row.customerId, row.cursor);
    if (row.historical) return;
    for (const subscriber of this.subscribers) {
      if (!matches(subscriber, row)) continue;
      if (subscriber.replaying) subscriber.replaying.push(row);
      else this.send(subscriber, row);
    }
  }

  private send(subscriber: Subscriber, row: CrossingRecord): void {
    if (!matches(subscriber, row)) return;
    const last = subscriber.lastSent.get(row.customerId);
    if (last !== undefined && row.cursor <= last) return;
    subscriber.lastSent.set(row.customerId, row.cursor);
    subscriber.queue.push(row);
  }
}

function matches(subscriber: Subscriber, row: CrossingRecord): boolean {
  const { principal, filter } = subscriber;
  if (!isPlatform(principal) && row.customerId !== principal.customerId) return false;
  if (filter.customerId != null && row.customerId !== filter.customerId) return false;
  if (filter.alertId != null && row.alertId !== filter.alertId) return false;
  if (filter.minSeverity != null && SEVERITIES.indexOf(row.severity as Severity) < SEVERITIES.indexOf(filter.minSeverity)) return false;
  return true;
}
