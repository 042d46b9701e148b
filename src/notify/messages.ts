/** A crossing as a notification carries it (read from threshold_crossings when the message is sent). */
export interface NotifiedCrossing {
  readonly id: string;
  readonly customerId: string;
  readonly alertId: string;
  readonly groupKey: string | null;
  readonly direction: "RAISED" | "CLEARED";
  readonly value: number;
  /** The value left the finite double range and is reported as ±Number.MAX_VALUE. */
  readonly saturated: boolean;
  readonly count: number;
  readonly threshold: { readonly operator: string; readonly value: number };
  readonly severity: string;
  readonly windowStart: string | null;
  readonly windowEnd: string | null;
  readonly occurredAt: string;
  readonly detectedAt: string;
  readonly entities: readonly { key: string; count: number; firstSeenMs: number; lastSeenMs: number }[];
}

export type MessageReason = "CROSSING" | "REPEAT" | "REDELIVERY" | "TEST";

/** One notification: one or more crossings of one alert for one customer (more under groupWaitSeconds). */
export interface NotificationMessage {
  /** Stable across retries and redeliveries: the webhook-id receivers deduplicate by. */
  readonly messageId: string;
  readonly reason: MessageReason;
  readonly alert: { readonly id: string; readonly name: string };
  readonly customerId: string;
  readonly crossings: readonly NotifiedCrossing[];
  /** The live page's address, for links. */
  readonly publicUrl: string;
}

const MAX_ENTITIES_IN_TEXT = 5;

const statusOf = (c: NotifiedCrossing) => (c.direction === "RAISED" ? "FIRING" : "OK");
const alertLink = (m: NotificationMessage) => `${m.publicUrl.replace(/\/+$/, "")}/#/alerts/${encodeURIComponent(m.alert.id)}`;
const latest = (m: NotificationMessage) => m.crossings[m.crossings.length - 1];

/** The status key: PagerDuty's dedup_key, so a CLEARED resolves the incident its RAISED opened. */
export const statusKey = (c: Pick<NotifiedCrossing, "alertId" | "customerId" | "groupKey">): string =>
  `${c.alertId}:${c.customerId}:${c.groupKey ?? ""}`;

const entityJson = (e: NotifiedCrossing["entities"][number]) => ({
  key: e.key,
  count: e.count,
  firstSeenAt: new Date(e.firstSeenMs).toISOString(),
  lastSeenAt: new Date(e.lastSeenMs).toISOString(),
});

const crossingJson = (c: NotifiedCrossing) => ({
  id: c.id,
  status: statusOf(c),
  direction: c.direction,
  groupKey: c.groupKey === null ? null : (JSON.parse(c.groupKey) as unknown),
  value: c.value,
  saturated: c.saturated,
  count: c.count,
  threshold: c.threshold,
  severity: c.severity,
  window: { start: c.windowStart, end: c.windowEnd },
  occurredAt: c.occurredAt,
  detectedAt: c.detectedAt,
  entities: c.entities.map(entityJson),
});

/** WEBHOOK: the latest crossing's status at the top, every crossing of the message in `crossings`. */
export function webhookBody(m: NotificationMessage): string {
  const last = latest(m);
  return JSON.stringify({
    type: m.reason === "TEST" ? "notification.test" : m.reason === "REPEAT" ? "alert.still_firing" : "alert.crossing",
    id: m.messageId,
    alert: { id: m.alert.id, name: m.alert.name, severity: last.severity },
    customerId: m.customerId,
    status: statusOf(last),
    value: last.value,
    saturated: last.saturated,
    threshold: last.threshold,
    entities: last.entities.map(entityJson),
    crossings: m.crossings.map(crossingJson),
    links: { alert: alertLink(m) },
  });
}

/** One line per crossing, for Slack's fallback text and the e-mail subject. */
export function summaryLine(m: NotificationMessage, c: NotifiedCrossing = latest(m)): string {
  const verb = m.reason === "TEST" ? "Test notification" : m.reason === "REPEAT" ? "Still firing" : c.direction === "RAISED" ? "Firing" : "Cleared";
  const group = c.groupKey === null ? "" : ` for ${groupText(c.groupKey)}`;
  return `${verb}: ${m.alert.name}${group} (${c.severity}), value ${c.value} ${c.threshold.operator.toLowerCase().replace(/_/g, " ")} ${c.threshold.value}, customer ${m.customerId}`;
}

function groupText(groupKey: string): string {
  const values = JSON.parse(groupKey) as unknown[];
  return values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ");
}

function entitiesText(c: NotifiedCrossing): string {
  if (c.entities.length === 0) return "";
  const shown = c.entities.slice(0, MAX_ENTITIES_IN_TEXT).map((e) => e.key).join(", ");
  return c.entities.length > MAX_ENTITIES_IN_TEXT ? `${shown} and ${c.entities.length - MAX_ENTITIES_IN_TEXT} more` : shown;
}

/** Slack's mrkdwn treats these three as markup; everything user-written is escaped. */
const slackEscape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const SLACK_TEXT_LIMIT = 2_900;
const SLACK_MAX_CROSSING_BLOCKS = 20;

/** SLACK: an incoming-webhook message with a header, one section per crossing and a link. */
export function slackBody(m: NotificationMessage): string {
  const shown = m.crossings.slice(-SLACK_MAX_CROSSING_BLOCKS);
  const blocks: unknown[] = [
    { type: "header", text: { type: "plain_text", text: summaryLine(m).slice(0, 150), emoji: false } },
    ...shown.map((c) => ({
      type: "section",
      text: {
        type: "mrkdwn",
        text: slackEscape(
          `*${statusOf(c)}*${c.groupKey === null ? "" : ` · ${groupText(c.groupKey)}`} · value ${c.value} (threshold ${c.threshold.operator} ${c.threshold.value}) · ${c.occurredAt}` +
            (c.entities.length ? `\nEntities: ${entitiesText(c)}` : ""),
        ).slice(0, SLACK_TEXT_LIMIT),
      },
    })),
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: `<${alertLink(m)}|Open the alert> · customer ${slackEscape(m.customerId)} · ${m.crossings.length} crossing(s)` }],
    },
  ];
  return JSON.stringify({ text: summaryLine(m), blocks });
}

const PAGERDUTY_SEVERITY: Record<string, string> = { CRITICAL: "critical", HIGH: "error", MEDIUM: "warning", LOW: "info", INFO: "info" };
const PAGERDUTY_SUMMARY_CHARS = 1_024;

/** PAGERDUTY: one Events API v2 event per crossing; RAISED (and repeats) trigger, CLEARED resolves. */
export function pagerDutyEvents(m: NotificationMessage, routingKey: string): string[] {
  return m.crossings.map((c) =>
    JSON.stringify({
      routing_key: routingKey,
      event_action: c.direction === "RAISED" ? "trigger" : "resolve",
      dedup_key: statusKey(c),
      payload: {
        summary: summaryLine(m, c).slice(0, PAGERDUTY_SUMMARY_CHARS),
        source: `customer ${c.customerId}`,
        severity: PAGERDUTY_SEVERITY[c.severity] ?? "warning",
        timestamp: c.occurredAt,
        component: m.alert.name,
        custom_details: crossingJson(c),
      },
      links: [{ href: alertLink(m), text: "Open the alert" }],
    }),
  );
}

/** EMAIL: a subject and a plain-text body. */
export function emailContent(m: NotificationMessage): { subject: string; text: string } {
  const lines = m.crossings.map((c) => {
    const entities = entitiesText(c);
    return [`${summaryLine(m, c)}`, `  at ${c.occurredAt}${c.windowStart ? `, window ${c.windowStart} – ${c.windowEnd}` : ""}`, ...(entities ? [`  entities: ${entities}`] : [])].join("\n");
  });
  const subject = m.crossings.length > 1 ? `${m.alert.name}: ${m.crossings.length} crossings` : summaryLine(m);
  return { subject: subject.replace(/[\r\n]+/g, " ").slice(0, 250), text: `${lines.join("\n\n")}\n\nOpen the alert: ${alertLink(m)}\nMessage ${m.messageId}\n` };
}
