import { registerEnumType } from "type-graphql";
import {
  AGGREGATION_FUNCTIONS,
  COMPARISON_OPERATORS,
  SEVERITIES,
  WINDOW_TYPES,
} from "../engine/alert-definition";
import { CONDITION_OPERATORS } from "../engine/condition";

const enumOf = <T extends string>(values: readonly T[]): { [K in T]: K } =>
  Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const Role = enumOf(["ADMIN", "EDITOR", "VIEWER"] as const);
export const AlertScope = enumOf(["GLOBAL", "CUSTOMER"] as const);
export const Severity = enumOf(SEVERITIES);
export const ConditionOperator = enumOf(CONDITION_OPERATORS);
export const AggregationFunction = enumOf(AGGREGATION_FUNCTIONS);
export const WindowType = enumOf(WINDOW_TYPES);
export const ComparisonOperator = enumOf(COMPARISON_OPERATORS);
export const AlertChangeAction = enumOf(["CREATED", "UPDATED", "DELETED", "REPLAYED"] as const);

registerEnumType(Role, {
  name: "Role",
  description: "What an API key may do. A key either belongs to one customer or, with no customer, to the platform.",
  valuesConfig: {
    ADMIN: { description: "Everything in its scope; a platform ADMIN also manages global alerts and API keys." },
    EDITOR: { description: "Create, update and delete alerts, publish events." },
    VIEWER: { description: "Read only." },
  },
});
registerEnumType(AlertScope, {
  name: "AlertScope",
  valuesConfig: {
    GLOBAL: { description: "Applies to every customer; counted separately per customer." },
    CUSTOMER: { description: "Applies to one customer's events only." },
  },
});
registerEnumType(Severity, { name: "Severity" });
registerEnumType(ConditionOperator, {
  name: "ConditionOperator",
  description: "How one condition compares the value at its JSONPath with its operand.",
  valuesConfig: {
    CONTAINS: { description: "String contains the operand, or array contains an element equal to it." },
    MATCHES: { description: "The operand is a regular expression (JavaScript syntax, RE2 subset, linear time), searched anywhere in a string value." },
    IN: { description: "The operand is a list; the value equals one of its elements." },
    IS_EMPTY: { description: "No value at the path, or only null, empty-string, empty-array or empty-object values." },
    EXISTS: { description: "At least one value at the path (a null value counts)." },
  },
});
registerEnumType(AggregationFunction, {
  name: "AggregationFunction",
  valuesConfig: {
    COUNT: { description: "Number of qualifying events." },
    COUNT_DISTINCT: { description: "Number of distinct values at the aggregation path." },
  },
});
registerEnumType(WindowType, {
  name: "WindowType",
  valuesConfig: {
    ALL_TIME: { description: "Since the alert was created (with history, when backfilled)." },
    TUMBLING: { description: "Fixed, non-overlapping windows of the given length, aligned to the epoch." },
    SLIDING: { description: "The last N seconds, moving with time." },
  },
});
registerEnumType(ComparisonOperator, { name: "ComparisonOperator" });
registerEnumType(AlertChangeAction, {
  name: "AlertChangeAction",
  valuesConfig: { REPLAYED: { description: "replayAlert recounted the alert from the archive (the definition did not change)." } },
});

export const NotificationChannelKind = enumOf(["WEBHOOK", "SLACK", "EMAIL", "PAGERDUTY"] as const);
export const DeliveryState = enumOf(["PENDING", "DELIVERED", "FAILED"] as const);
export const DeliveryReason = enumOf(["CROSSING", "REPEAT", "REDELIVERY"] as const);

registerEnumType(NotificationChannelKind, {
  name: "NotificationChannelKind",
  description: "Where a channel sends crossings.",
  valuesConfig: {
    WEBHOOK: { description: "POST of a JSON body to any http(s) URL, signed per the Standard Webhooks spec." },
    SLACK: { description: "A Slack incoming webhook: a message with blocks." },
    EMAIL: { description: "E-mail through the operator's SMTP server (SMTP_URL)." },
    PAGERDUTY: { description: "PagerDuty Events API v2: RAISED triggers, CLEARED resolves, dedup_key is the status." },
  },
});
registerEnumType(DeliveryState, {
  name: "DeliveryState",
  valuesConfig: {
    PENDING: { description: "Owed: due at nextAttemptAt (first attempt or a retry)." },
    DELIVERED: { description: "The receiver accepted it (HTTP 2xx, or the SMTP server took it)." },
    FAILED: { description: "Every attempt of the retry schedule failed, or the channel was disabled; redeliver sends it again." },
  },
});
registerEnumType(DeliveryReason, {
  name: "DeliveryReason",
  valuesConfig: {
    CROSSING: { description: "One or more crossings (several under groupWaitSeconds)." },
    REPEAT: { description: "repeatIntervalSeconds: the status is still FIRING." },
    REDELIVERY: { description: "Sent again by redeliver, with the original's message id." },
  },
});
