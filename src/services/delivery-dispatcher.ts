import type { Logger } from "pino";
import type { ChannelSender, ChannelTarget } from "../notify/channel-sender";
import type { SendOutcome } from "../notify/http-sender";
import type { NotificationMessage } from "../notify/messages";
import { nextAttemptDelayMs } from "../notify/retry";
import type { ChannelRecord, DeliveryRecord, NotificationStore } from "../store/notification-store";

export interface DispatcherOptions {
  /** Deliveries in flight at once. */
  readonly concurrency: number;
  readonly leaseSeconds: number;
  readonly retrySeconds: readonly number[];
  readonly disableAfterSeconds: number;
  /** How often due deliveries are looked for when none were found last time. */
  readonly pollMs: number;
  /** How often FIRING statuses are checked for repeat notifications. */
  readonly repeatCheckMs: number;
  readonly publicUrl: () => string;
}

export type AttemptResultLabel = "delivered" | "retry" | "failed";

/** Told of every attempt, for the deliveries_total counter and the latency histogram. */
export type AttemptObserver = (kind: string, result: AttemptResultLabel, latencyMs: number) => void;

/**
 * Sends what the outbox owes. Any number of dispatchers, in any processes, may run on one database: each
 * claims due rows with SKIP LOCKED under a lease, so each delivery is attempted by one at a time, and one
 * that died mid-send leaves its rows to the others when the lease runs out (at least once; receivers drop
 * repeats by webhook-id).
 */
export class DeliveryDispatcher {
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private lastRepeatCheckMs = 0;

  constructor(
    private readonly store: NotificationStore,
    private readonly sender: ChannelSender,
    private readonly options: DispatcherOptions,
    private readonly logger: Logger,
    private readonly observe: AttemptObserver = () => undefined,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops claiming, and waits for the sends in flight to be recorded. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    let backoffMs = this.options.pollMs;
    while (this.running) {
      let claimed = 0;
      try {
        await this.maybeScheduleRepeats();
        const room = this.options.concurrency - this.inFlight.size;
        if (room > 0) {
          const due = await this.store.claimDue(room, this.options.leaseSeconds);
          claimed = due.length;
          if (due.length > 0) await this.dispatch(due);
        }
        backoffMs = this.options.pollMs;
      } catch (err) {
        // The database is away: what was claimed stays owed, and its lease hands it back later.
        this.logger.warn({ err: (err as Error).message }, "delivery dispatch failed; will retry");
        backoffMs = Math.min(backoffMs * 2, 10_000);
      }
      if (!this.running) break;
      // A full claim means more may be due: look again as soon as a slot frees up.
      if (claimed > 0 && this.inFlight.size < this.options.concurrency) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, claimed > 0 ? 5 : backoffMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async maybeScheduleRepeats(): Promise<void> {
    const now = Date.now();
    if (now - this.lastRepeatCheckMs < this.options.repeatCheckMs) return;
    this.lastRepeatCheckMs = now;
    await this.store.scheduleRepeats();
  }

  private async dispatch(due: readonly DeliveryRecord[]): Promise<void> {
    const channels = new Map((await this.store.getChannels([...new Set(due.map((d) => d.channelId))])).map((c) => [c.id, c]));
    for (const delivery of due) {
      const task = this.deliver(delivery, channels.get(delivery.channelId)).catch((err: unknown) =>
        this.logger.warn({ err: (err as Error).message, delivery: delivery.id }, "could not record a delivery attempt; its lease will hand it back"),
      );
      this.inFlight.add(task);
      void task.finally(() => {
        this.inFlight.delete(task);
        this.wake?.();
      });
    }
  }

  private async deliver(delivery: DeliveryRecord, channel: ChannelRecord | undefined): Promise<void> {
    if (!channel || !channel.enabled) {
      const error = channel ? `channel disabled${channel.disabledReason ? `: ${channel.disabledReason}` : ""}` : "channel deleted";
      await this.store.recordAttempt(delivery, { status: null, latencyMs: 0, error }, { delivered: false, nextAttemptAt: null });
      this.observe(channel?.kind ?? "unknown", "failed", 0);
      return;
    }
    const crossings = await this.store.crossings(delivery.crossingIds);
    if (crossings.length === 0) {
      // Retention removed what it was about; nothing left to say.
      await this.store.recordAttempt(delivery, { status: null, latencyMs: 0, error: "its crossings are no longer stored" }, { delivered: false, nextAttemptAt: null });
      this.observe(channel.kind, "failed", 0);
      return;
    }
    const message: NotificationMessage = {
      messageId: delivery.messageId,
      reason: delivery.reason,
      alert: { id: delivery.alertId, name: delivery.alertName },
      customerId: delivery.customerId,
      crossings,
      publicUrl: this.options.publicUrl(),
    };
    const outcome = await this.sender.send(targetOf(channel), message);
    await this.settle(delivery, channel, outcome);
  }

  private async settle(delivery: DeliveryRecord, channel: ChannelRecord, outcome: SendOutcome): Promise<void> {
    const result = { status: outcome.status, latencyMs: outcome.latencyMs, error: outcome.error };
    if (outcome.ok) {
      await this.store.recordAttempt(delivery, result, { delivered: true });
      this.observe(channel.kind, "delivered", outcome.latencyMs);
    } else {
      const delayMs = nextAttemptDelayMs(delivery.attempts, this.options.retrySeconds, outcome.retryAfterSeconds);
      await this.store.recordAttempt(delivery, result, { delivered: false, nextAttemptAt: delayMs === null ? null : new Date(Date.now() + delayMs) });
      this.observe(channel.kind, delayMs === null ? "failed" : "retry", outcome.latencyMs);
    }
    const disabled = await this.store.channelAttempted(channel.id, outcome.ok, this.options.disableAfterSeconds, outcome.error);
    if (disabled && channel.enabled) this.logger.warn({ channel: channel.id, kind: channel.kind }, "notification channel disabled: its deliveries failed too long");
  }
}

/** The secrets a channel signs with now: the current one, and the previous one during a rotation's overlap. */
export function targetOf(channel: ChannelRecord, nowMs = Date.now()): ChannelTarget {
  const secrets = [channel.secret, channel.previousSecretUntil && channel.previousSecretUntil.getTime() > nowMs ? channel.previousSecret : null];
  return { kind: channel.kind, config: channel.config, secrets: secrets.filter((s): s is string => s !== null) };
}
