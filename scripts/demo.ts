// npm run demo — sample alerts modelled on SaaS administration, and a stream of realistic events for a
// few customers, so that crossings show up on the live page (http://127.0.0.1:4000/) within a minute.
//   npm run demo -- [--url http://127.0.0.1:4000/graphql] [--key <platform EDITOR/ADMIN key>]
//                   [--rate 50 (events/s)] [--seconds 0 (0: until Ctrl-C)]
// The key defaults to ADMIN_API_KEY.

const option = (name: string, fallback?: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

const url = option("url", "http://127.0.0.1:4000/graphql")!;
const key = option("key", process.env.ADMIN_API_KEY);
const rate = Math.max(1, Number(option("rate", "50")));
const seconds = Number(option("seconds", "0"));
const CUSTOMERS = ["acme", "globex", "initech", "umbrella"];

const ALERTS = [
  {
    name: "Users without two-factor authentication",
    description: "A user signed in without 2FA enabled",
    severity: "HIGH",
    application: "gsuite",
    eventType: "user.login",
    conditions: [{ path: "$.user.twoFactorEnabled", operator: "EQUALS", value: false }],
    aggregation: { function: "COUNT_DISTINCT", path: "$.user.email" },
    entityPath: "$.user.email",
    threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 3 },
  },
  {
    name: "Team admin added without a manager",
    description: "Admin rights granted to someone with no manager on record",
    severity: "CRITICAL",
    application: "slack",
    eventType: "user.role_changed",
    conditions: [
      { path: "$.newRole", operator: "EQUALS", value: "admin" },
      { path: "$.user.manager", operator: "IS_EMPTY" },
    ],
    entityPath: "$.user.email",
    threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 },
  },
  {
    name: "Files shared publicly",
    description: "More than a few files made public within an hour",
    severity: "MEDIUM",
    application: "box",
    eventType: "file.shared",
    conditions: [{ path: "$.file.visibility", operator: "IN", value: ["public", "anyone_with_link"] }],
    entityPath: "$.file.name",
    window: { type: "SLIDING", seconds: 3600 },
    threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 5 },
  },
  {
    name: "Many failed logins per user in 5 minutes",
    description: "Possible password guessing",
    severity: "HIGH",
    application: "okta",
    eventType: "user.login_failed",
    groupBy: ["$.user.email"],
    entityPath: "$.ip",
    window: { type: "SLIDING", seconds: 300 },
    threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 5 },
  },
  {
    name: "Large downloads by one user in an hour",
    description: "More than 1 GB downloaded",
    severity: "LOW",
    application: "box",
    eventType: "file.downloaded",
    groupBy: ["$.user.email"],
    aggregation: { function: "SUM", path: "$.file.bytes" },
    window: { type: "TUMBLING", seconds: 3600 },
    threshold: { operator: "GREATER_THAN", value: 1_000_000_000 },
  },
];

let seed = 42;
const random = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 4294967296;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
const people = ["ana", "ben", "chen", "dara", "eli", "fay", "gus", "hana", "ivo", "jun"];

/** One realistic event for one of the sample alerts' applications (most do not qualify). */
function sampleEvent() {
  const customerId = pick(CUSTOMERS);
  const email = `${pick(people)}@${customerId}.example`;
  const user = { email, name: email.split("@")[0], department: pick(["eng", "sales", "ops", "finance"]) };
  switch (Math.floor(random() * 5)) {
    case 0:
      return { customerId, application: "gsuite", objectType: "user", eventType: "user.login", payload: { user: { ...user, twoFactorEnabled: random() < 0.8 }, ip: `203.0.113.${Math.floor(random() * 255)}` } };
    case 1:
      return {
        customerId,
        application: "slack",
        objectType: "user",
        eventType: "user.role_changed",
        payload: { user: { ...user, manager: random() < 0.9 ? `boss@${customerId}.example` : null }, newRole: random() < 0.2 ? "admin" : "member", actor: { email: `it@${customerId}.example` } },
      };
    case 2:
      return {
        customerId,
        application: "box",
        objectType: "file",
        eventType: "file.shared",
        payload: { user, file: { name: `${pick(["budget", "roadmap", "contract", "photos"])}-${Math.floor(random() * 100)}.pdf`, visibility: random() < 0.15 ? "public" : "internal" } },
      };
    case 3:
      return { customerId, application: "okta", objectType: "user", eventType: "user.login_failed", payload: { user, ip: `198.51.100.${Math.floor(random() * 20)}`, reason: "bad password" } };
    default:
      return { customerId, application: "box", objectType: "file", eventType: "file.downloaded", payload: { user, file: { name: "export.zip", bytes: Math.floor(random() * 200_000_000) } } };
  }
}

async function gql<T>(query: string, variables?: unknown): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data as T;
}

async function main(): Promise<void> {
  if (!key) {
    process.stderr.write("give a platform EDITOR or ADMIN key: --key <secret>, or ADMIN_API_KEY=...\n");
    process.exit(2);
  }
  const existing = await gql<{ alerts: { nodes: { name: string }[] } }>(`{ alerts(first: 100, filter: {scope: GLOBAL}) { nodes { name } } }`);
  const have = new Set(existing.alerts.nodes.map((a) => a.name));
  for (const alert of ALERTS) {
    if (have.has(alert.name)) continue;
    await gql(`mutation ($input: CreateAlertInput!) { createAlert(input: $input) { id } }`, { input: alert });
    process.stderr.write(`created the global alert "${alert.name}"\n`);
  }
  process.stderr.write(`streaming ${rate} events/s for ${CUSTOMERS.join(", ")}${seconds ? ` for ${seconds} s` : " (Ctrl-C to stop)"}; watch http://${new URL(url).host}/\n`);
  const started = Date.now();
  let sent = 0;
  let crossings = 0;
  const tty = process.stderr.isTTY;
  for (let tick = 0; !seconds || Date.now() - started < seconds * 1000; tick++) {
    const due = Math.round(((Date.now() - started) / 1000 + 1) * rate) - sent;
    if (due > 0) {
      const events = Array.from({ length: Math.min(due, 1000) }, sampleEvent);
      await gql(`mutation ($e: [EventInput!]!) { publishEvents(events: $e) { accepted } }`, { e: events });
      sent += events.length;
    }
    if (tick % 5 === 0) {
      crossings = (await gql<{ thresholdCrossings: { totalCount: number } }>(`{ thresholdCrossings(first: 1) { totalCount } }`)).thresholdCrossings.totalCount;
    }
    const elapsed = Math.round((Date.now() - started) / 1000);
    const width = 30;
    const filled = seconds ? Math.min(width, Math.round((elapsed / seconds) * width)) : tick % (width + 1);
    const line = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${elapsed}s  events ${sent}  crossings ${crossings}`;
    if (tty) process.stderr.write(`\r${line}`);
    else if (tick % 5 === 0) process.stderr.write(`${line}\n`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  process.stderr.write(`\ndone: ${sent} events, ${crossings} crossings so far\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`\ndemo stopped: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
