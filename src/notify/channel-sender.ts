import type { EmailSender } from "./email-sender";
import { postJson, type HttpSendOptions, type SendOutcome } from "./http-sender";
import { emailContent, pagerDutyEvents, slackBody, webhookBody, type NotificationMessage } from "./messages";
import { signatureHeader } from "./signature";

export type ChannelKind = "WEBHOOK" | "SLACK" | "EMAIL" | "PAGERDUTY";
export const CHANNEL_KINDS: readonly ChannelKind[] = ["WEBHOOK", "SLACK", "EMAIL", "PAGERDUTY"];

/** What a channel sends to. Secrets (the signing secret, PagerDuty's routing key) are kept beside it. */
export interface ChannelConfig {
  readonly url?: string;
  readonly to?: readonly string[];
}

export interface ChannelTarget {
  readonly kind: ChannelKind;
  readonly config: ChannelConfig;
  /** WEBHOOK: the signing secrets in force, newest first; PAGERDUTY: the routing key. */
  readonly secrets: readonly string[];
}

export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

/** Sends one message to one channel, by its kind; never throws. */
export class ChannelSender {
  constructor(
    private readonly http: HttpSendOptions,
    private readonly email: EmailSender,
  ) {}

  async send(target: ChannelTarget, message: NotificationMessage, nowMs = Date.now()): Promise<SendOutcome> {
    try {
      switch (target.kind) {
        case "WEBHOOK": {
          const body = webhookBody(message);
          const timestamp = Math.floor(nowMs / 1000);
          return await postJson(new URL(target.config.url!), body, {
            "webhook-id": message.messageId,
            "webhook-timestamp": String(timestamp),
            "webhook-signature": signatureHeader(target.secrets, message.messageId, timestamp, body),
          }, this.http);
        }
        case "SLACK":
          return await postJson(new URL(target.config.url!), slackBody(message), {}, this.http);
        case "PAGERDUTY": {
          // One event per crossing, in order; a retry sends them all again, which PagerDuty's dedup_key absorbs.
          const url = new URL(target.config.url ?? PAGERDUTY_EVENTS_URL);
          let last: SendOutcome | undefined;
          let latencyMs = 0;
          for (const event of pagerDutyEvents(message, target.secrets[0] ?? "")) {
            last = await postJson(url, event, {}, this.http);
            latencyMs += last.latencyMs;
            if (!last.ok) break;
          }
          return { ...last!, latencyMs };
        }
        case "EMAIL": {
          const { subject, text } = emailContent(message);
          return await this.email.send(target.config.to ?? [], subject, text, message.messageId);
        }
      }
    } catch (err) {
      return { ok: false, status: null, latencyMs: 0, error: `could not send: ${(err as Error).message.split("\n")[0]}`.slice(0, 300), retryAfterSeconds: null };
    }
  }
}
