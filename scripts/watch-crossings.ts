// Prints live threshold crossings, one JSON line each: a command-line subscriber for the tour and for
// operators. Usage: node dist/scripts/watch-crossings.js --url http://127.0.0.1:4000/graphql --key <secret>
//   [--alert <id>] [--count N (exit after N crossings)] [--after <cursor>] [--customer <id>]
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const QUERY = `subscription ($alertId: ID, $customerId: ID, $after: String) {
  thresholdCrossed(alertId: $alertId, customerId: $customerId, after: $after) {
    id alertId customerId groupKey direction value threshold { operator value } severity occurredAt cursor entities { key count lastSeenAt } } }`;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const url = option("url") ?? "http://127.0.0.1:4000/graphql";
const key = option("key") ?? process.env.API_KEY;
const count = Number(option("count") ?? Infinity);
if (!key) {
  process.stderr.write("give an API key: --key <secret> (or API_KEY=...)\n");
  process.exit(2);
}

const client = createClient({
  url: url.replace(/^http/, "ws"),
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${key}` },
  retryAttempts: Infinity,
  shouldRetry: () => true,
});
let seen = 0;
let lastCursor = option("after");
client.on("connected", () => {
  // The subscription is sent right after the acknowledgement; give the server a moment to register it.
  setTimeout(() => process.stderr.write("watching for crossings\n"), 300);
});
const subscribe = () =>
  client.subscribe(
    { query: QUERY, variables: { alertId: option("alert"), customerId: option("customer"), after: lastCursor } },
    {
      next: (result) => {
        if (result.errors) {
          process.stderr.write(`${JSON.stringify(result.errors)}\n`);
          process.exit(1);
        }
        const crossing = (result.data as { thresholdCrossed: { cursor: string } }).thresholdCrossed;
        lastCursor = crossing.cursor;
        process.stdout.write(`${JSON.stringify(crossing)}\n`);
        if (++seen >= count) void Promise.resolve(client.dispose()).then(() => process.exit(0));
      },
      error: (err) => {
        process.stderr.write(`subscription failed: ${err instanceof Error ? err.message : JSON.stringify(err)}\n`);
        process.exit(1);
      },
      complete: () => undefined,
    },
  );
subscribe();
