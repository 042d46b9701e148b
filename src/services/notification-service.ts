import { randomUUID } from "node:crypto";
import { PAGERDUTY_EVENTS_URL, type ChannelKind, type ChannelSender } from "../notify/channel-sender";
import { refusedDestination } from "../notify/address-guard";
import type { SendOutcome } from "../notify/http-sender";
import type { NotificationMessage } from "../notify/messages";
import { generateWebhookSecret } from "../notify/signature";
import type { ChannelConfig, ChannelRecord, DeliveryRecord, DeliveryState, NotificationStore } from "../store/notification-store";
import { canSeeChannel } from "./alert-service";
import { isUuid } from "./api-key-service";
import { targetOf } from "./delivery-dispatcher";
import { AppError, badInput, forbidden, notFound, type FieldProblem } from "./errors";
import { visibleCustomer } from "./monitoring-service";
import { decodeCursor, encodeCursor, pageOf, pageSize, type Page } from "./pagination";
import { hasRole, isPlatform, type Principal } from "./principal";
import { ownerOf } from "./validation";

export interface CreateChannelCommand {
  customerId?: string | null;
  name: string;
  kind: ChannelKind;
  url?: string | null;
  to?: string[] | null;
  routingKey?: string | null;
  enabled?: boolean | null;
}

/** updateNotificationChannel's input: undefined keeps a field, null clears it where that means anything. */
export interface UpdateChannelCommand {
  name?: string | null;
  url?: string | null;
  to?: string[] | null;
  routingKey?: string | null;
  enabled?: boolean | null;
}

export interface DeliveryFilterCommand {
  channelId?: string | null;
  alertId?: string | null;
  state?: DeliveryState | null;
}

/** A channel as its owner may see it, with the one-time secret when a write made one. */
export interface ChannelWithSecret {
  readonly channel: ChannelRecord;
  readonly secret: string | null;
}

const MAX_NAME_CHARS = 200;
const MAX_URL_CHARS = 2_048;
const MAX_RECIPIENTS = 20;
const EMAIL_ADDRESS = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$/;
const ROUTING_KEY = /^[A-Za-z0-9]{20,64}$/;
const DEFAULT_OVERLAP_SECONDS = 86_400;
const MAX_OVERLAP_SECONDS = 30 * 86_400;

export interface NotificationSettings {
  readonly allowPrivate: boolean;
  readonly publicUrl: () => string;
}

/** Notification channels (who may see and change them: DESIGN "Who may do what", as alerts) and the delivery log. */
export class NotificationService {
  constructor(
    private readonly store: NotificationStore,
    private readonly sender: ChannelSender,
    private readonly settings: NotificationSettings,
  ) {}

  async get(principal: Principal, id: string): Promise<ChannelRecord> {
    const channel = isUuid(id) ? await this.store.getChannel(id) : null;
    if (!channel || !canSeeChannel(principal, channel.customerId)) throw notFound("notification channel", id);
    return channel;
  }

  async list(principal: Principal, filter: { customerId?: string | null; kind?: ChannelKind | null }, first?: number | null, after?: string | null): Promise<Page<ChannelRecord>> {
    const limit = pageSize(first);
    const afterSeq = decodeCursor("channel", after);
    const customerId = visibleCustomer(principal, filter.customerId);
    if (customerId === false) return pageOf([], limit, afterSeq !== undefined, 0, () => "");
    const { rows, totalCount } = await this.store.listChannels({ customerId, kind: filter.kind ?? undefined, afterSeq, limit });
    return pageOf(rows, limit, afterSeq !== undefined, totalCount, (node) => encodeCursor("channel", node.seq));
  }

  async create(principal: Principal, input: CreateChannelCommand): Promise<ChannelWithSecret> {
    requireEditor(principal);
    const problems: FieldProblem[] = [];
    const customerId = ownerOf(principal, input.customerId, "channels", problems);
    checkName(input.name, problems);
    const { config, secretInput } = await this.destination(input.kind, input, undefined, problems);
    if (problems.length > 0) throw badInput(problems);
    const secret = input.kind === "WEBHOOK" ? generateWebhookSecret() : secretInput;
    const channel = await this.store.insertChannel({ id: randomUUID(), customerId, name: input.name.trim(), kind: input.kind, config, secret });
    const created = input.enabled === false ? await this.store.updateChannel(channel.id, channel.version, { enabled: false }) : channel;
    return { channel: created ?? channel, secret: input.kind === "WEBHOOK" ? secret : null };
  }

  async update(principal: Principal, id: string, input: UpdateChannelCommand, expectedVersion?: number | null): Promise<ChannelRecord> {
    const current = await this.writable(principal, id);
    if (expectedVersion != null && expectedVersion !== current.version) throw conflict(current, expectedVersion);
    const problems: FieldProblem[] = [];
    if (input.name !== undefined) {
      if (input.name === null) problems.push({ field: "name", message: "cannot be null; leave it out to keep the current name" });
      else checkName(input.name, problems);
    }
    if (input.enabled === null) problems.push({ field: "enabled", message: "cannot be null; leave it out to keep the current value" });
    const touchesDestination = input.url !== undefined || input.to !== undefined || input.routingKey !== undefined;
    const { config, secretInput } = touchesDestination
      ? await this.destination(current.kind, input, current, problems)
      : { config: current.config, secretInput: current.secret };
    if (problems.length > 0) throw badInput(problems);
    // Re-enabling a channel that was disabled for failing starts its streak afresh.
    const enabling = input.enabled === true && !current.enabled;
    const updated = await this.store.updateChannel(id, current.version, {
      name: input.name?.trim(),
      config,
      secret: current.kind === "PAGERDUTY" ? (secretInput ?? undefined) : undefined,
      enabled: input.enabled ?? undefined,
      disabledReason: input.enabled === undefined ? undefined : null,
      failingSince: enabling ? null : undefined,
    });
    if (!updated) throw conflict(current, current.version);
    return updated;
  }

  /**
   * A new signing secret, shown once; the previous one keeps signing (beside it, in the same header)
   * for overlapSeconds, so receivers can switch without losing a message.
   */
  async rotateSecret(principal: Principal, id: string, overlapSeconds?: number | null): Promise<ChannelWithSecret> {
    const current = await this.writable(principal, id);
    if (current.kind !== "WEBHOOK") {
      throw badInput([{ field: "id", message: `a ${current.kind} channel has no signing secret; only WEBHOOK channels are signed` }]);
    }
    const overlap = overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
    if (!Number.isInteger(overlap) || overlap < 0 || overlap > MAX_OVERLAP_SECONDS) {
      throw badInput([{ field: "overlapSeconds", message: `must be from 0 to ${MAX_OVERLAP_SECONDS} seconds` }]);
    }
    const secret = generateWebhookSecret();
    const updated = await this.store.updateChannel(id, current.version, {
      secret,
      previousSecret: overlap > 0 ? current.secret : null,
      previousSecretUntil: overlap > 0 ? new Date(Date.now() + overlap * 1000) : null,
    });
    if (!updated) throw conflict(current, current.version);
    return { channel: updated, secret };
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.writable(principal, id);
    await this.store.deleteChannel(id);
  }

  /** Sends a test message now (not through the outbox) and says how the receiver answered. */
  async test(principal: Principal, id: string): Promise<SendOutcome> {
    const channel = await this.writable(principal, id);
    const nowIso = new Date().toISOString();
    const message: NotificationMessage = {
      messageId: randomUUID(),
      reason: "TEST",
      alert: { id: "00000000-0000-0000-0000-000000000000", name: `Test of channel ${channel.name}` },
      customerId: channel.customerId ?? "platform",
      crossings: [
        {
          id: "00000000-0000-0000-0000-000000000000",
          customerId: channel.customerId ?? "platform",
          alertId: "00000000-0000-0000-0000-000000000000",
          groupKey: null,
          direction: "RAISED",
          value: 1,
          saturated: false,
          count: 1,
          threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 },
          severity: "INFO",
          windowStart: null,
          windowEnd: null,
          occurredAt: nowIso,
          detectedAt: nowIso,
          entities: [],
        },
      ],
      publicUrl: this.settings.publicUrl(),
    };
    return this.sender.send(targetOf(channel), message);
  }

  async deliveries(principal: Principal, filter: DeliveryFilterCommand, first?: number | null, after?: string | null): Promise<Page<DeliveryRecord>> {
    const limit = pageSize(first);
    const beforeSeq = decodeCursor("delivery", after);
    const empty = { items: [], hasNextPage: false, hasPreviousPage: beforeSeq !== undefined, totalCount: 0 };
    const problems: FieldProblem[] = [];
    if (filter.channelId != null && !isUuid(filter.channelId)) problems.push({ field: "channelId", message: "not a channel id" });
    if (filter.alertId != null && !isUuid(filter.alertId)) problems.push({ field: "alertId", message: "not an alert id" });
    if (problems.length > 0) throw badInput(problems);
    if (filter.channelId != null) {
      const channel = await this.store.getChannel(filter.channelId);
      if (!channel || !canSeeChannel(principal, channel.customerId)) return empty;
    }
    const { rows, totalCount } = await this.store.listDeliveries({
      channelCustomerId: isPlatform(principal) ? undefined : principal.customerId!,
      channelId: filter.channelId ?? undefined,
      alertId: filter.alertId ?? undefined,
      state: filter.state ?? undefined,
      beforeSeq,
      limit,
    });
    return pageOf(rows, limit, beforeSeq !== undefined, totalCount, (node) => encodeCursor("delivery", node.seq));
  }

  /** Sends a delivery's message again (same webhook-id), whatever became of it. */
  async redeliver(principal: Principal, deliveryId: string): Promise<DeliveryRecord> {
    const original = isUuid(deliveryId) ? await this.store.getDelivery(deliveryId) : null;
    const channel = original ? await this.store.getChannel(original.channelId) : null;
    if (!original || !channel || !canSeeChannel(principal, channel.customerId)) throw notFound("delivery", deliveryId);
    requireEditor(principal);
    if (!channel.enabled) {
      throw new AppError("BAD_USER_INPUT", `deliveryId: channel ${channel.id} is disabled; enable it (updateNotificationChannel) first`, [
        { field: "deliveryId", message: "its channel is disabled" },
      ]);
    }
    return this.store.redeliver(original, randomUUID());
  }

  /** The channel, if the principal may change it. */
  private async writable(principal: Principal, id: string): Promise<ChannelRecord> {
    const channel = await this.get(principal, id);
    requireEditor(principal);
    return channel;
  }

  /** The destination fields of a kind, checked; `current` supplies what an update leaves out. */
  private async destination(
    kind: ChannelKind,
    input: Pick<CreateChannelCommand, "url" | "to" | "routingKey">,
    current: ChannelRecord | undefined,
    problems: FieldProblem[],
  ): Promise<{ config: ChannelConfig; secretInput: string | null }> {
    const notFor = (field: "url" | "to" | "routingKey") => {
      if (input[field] != null) problems.push({ field, message: `a ${kind} channel takes no ${field}; leave it out` });
    };
    switch (kind) {
      case "WEBHOOK":
      case "SLACK": {
        notFor("to");
        notFor("routingKey");
        const url = input.url === undefined ? current?.config.url : input.url;
        await this.checkUrl(url ?? null, "url", kind === "SLACK" ? "the Slack incoming-webhook URL" : "the URL to POST to", problems);
        return { config: { url: url ?? undefined }, secretInput: current?.secret ?? null };
      }
      case "PAGERDUTY": {
        notFor("to");
        const url = input.url === undefined ? (current?.config.url ?? null) : input.url;
        if (url !== null) await this.checkUrl(url, "url", "the Events API v2 URL", problems);
        const routingKey = input.routingKey === undefined ? current?.secret : input.routingKey;
        if (!routingKey || !ROUTING_KEY.test(routingKey)) {
          problems.push({ field: "routingKey", message: "required: the 32-character integration key of a PagerDuty Events API v2 integration" });
        }
        return { config: url === null || url === PAGERDUTY_EVENTS_URL ? {} : { url }, secretInput: routingKey ?? null };
      }
      case "EMAIL": {
        notFor("url");
        notFor("routingKey");
        const to = input.to === undefined ? current?.config.to : input.to;
        if (!to || to.length === 0 || to.length > MAX_RECIPIENTS) {
          problems.push({ field: "to", message: `from 1 to ${MAX_RECIPIENTS} e-mail addresses` });
        } else {
          to.forEach((address, i) => {
            if (!EMAIL_ADDRESS.test(address) || address.length > 254) problems.push({ field: `to[${i}]`, message: "not an e-mail address like ops@example.com" });
          });
        }
        return { config: { to: [...new Set(to ?? [])] }, secretInput: null };
      }
    }
  }

  private async checkUrl(raw: string | null, field: string, what: string, problems: FieldProblem[]): Promise<void> {
    if (raw === null || raw === "") {
      problems.push({ field, message: `required: ${what}` });
      return;
    }
    let url: URL | undefined;
    try {
      url = raw.length <= MAX_URL_CHARS ? new URL(raw) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
      problems.push({ field, message: `must be an http or https URL of at most ${MAX_URL_CHARS} characters` });
      return;
    }
    if (url.hash) {
      problems.push({ field, message: "must have no #fragment: it is never sent" });
      return;
    }
    const refused = await refusedDestination(url, this.settings.allowPrivate);
    if (refused) problems.push({ field, message: refused });
  }
}

function conflict(current: ChannelRecord, expected: number): AppError {
  return new AppError("CONFLICT", `channel ${current.id} is at version ${current.version}, not ${expected}: someone changed it; read it again and reapply your change`, [
    { field: "expectedVersion", message: `the channel is at version ${current.version}` },
  ]);
}

function checkName(name: string, problems: FieldProblem[]): void {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_CHARS || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    problems.push({ field: "name", message: `1 to ${MAX_NAME_CHARS} characters, no control characters` });
  }
}

function requireEditor(principal: Principal): void {
  if (!hasRole(principal, "EDITOR")) throw forbidden(`changing notification channels needs an EDITOR or ADMIN key; this key is ${principal.role}`);
}

