import { ApolloServer, HeaderMap, type HTTPGraphQLResponse } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GraphQLError, parse, validate, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import type { Logger } from "pino";
import { WebSocket, WebSocketServer } from "ws";
import type { Config } from "../config/config";
import { isUnavailable, toGraphQLError } from "../resolvers/error-middleware";
import type { RequestContext } from "../resolvers/context";
import type { ApiKeyService } from "../services/api-key-service";
import type { Principal } from "../services/principal";
import { createPlaygroundHandler } from "./playground";
import { createUiHandler } from "./ui";
import type { Metrics } from "./metrics";
import { checkOperationLimits, checkQueryNesting, operationLimitsPlugin } from "./query-limits";

export const GRAPHQL_PATH = "/graphql";
/** Bounds the parser's work on hostile documents; real operations use a few hundred tokens. */
const MAX_QUERY_TOKENS = 20_000;

export interface HttpServerDeps {
  readonly config: Pick<Config, "port" | "host" | "maxRequestBytes">;
  readonly logger: Logger;
  readonly schema: GraphQLSchema;
  readonly apiKeys: ApiKeyService;
  readonly feeds?: RequestContext["feeds"];
  readonly metrics?: Metrics;
  /** Whether the process can serve: database (and log) reachable. */
  readonly ready: () => Promise<boolean>;
}

export interface RunningHttpServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One HTTP port: GraphQL over POST/GET and graphql-ws, the playground, /healthz and /readyz. */
export async function startHttpServer(deps: HttpServerDeps): Promise<RunningHttpServer> {
  const { config, logger, schema, apiKeys } = deps;
  const apollo = new ApolloServer<RequestContext>({
    schema,
    plugins: [operationLimitsPlugin(), errorLoggingPlugin()],
    parseOptions: { maxTokens: MAX_QUERY_TOKENS },
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    csrfPrevention: true,
    // main.ts owns shutdown order: HTTP, then the pool, then PostgreSQL.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const playground = createPlaygroundHandler({ graphqlPath: GRAPHQL_PATH, assetsPath: "/playground" });
  const ui = createUiHandler({ graphqlPath: GRAPHQL_PATH });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (path === "/readyz") {
      const ready = await deps.ready().catch(() => false);
      return sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready" });
    }
    if (path === "/metrics" && deps.metrics) return sendMetrics(res, deps.metrics);
    if (playground(req, res)) return;
    if (ui(req, res)) return;
    if (path !== GRAPHQL_PATH) throw new HttpError(404, "NOT_FOUND", `no route ${path}; the API is at ${GRAPHQL_PATH}`);
    if (req.method !== "POST" && req.method !== "GET") throw new HttpError(405, "METHOD_NOT_ALLOWED", "use POST (or GET for queries)");

    const requestId = requestIdOf(req);
    res.setHeader("x-request-id", requestId);
    const declaredBytes = Number(req.headers["content-length"] ?? 0);
    if (declaredBytes > config.maxRequestBytes) throw tooLarge(config.maxRequestBytes);
    const principal = await authenticate(apiKeys, req.headers.authorization);
    const body = req.method === "POST" ? parseBody(req, await readBody(req, config.maxRequestBytes)) : undefined;
    const query = req.method === "POST" ? (body as { query?: unknown } | null)?.query : new URLSearchParams((req.url ?? "").slice(path.length)).get("query");
    const nestingError = typeof query === "string" ? checkQueryNesting(query) : undefined;
    if (nestingError) throw new HttpError(400, "QUERY_TOO_COMPLEX", nestingError.message);

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const started = performance.now();
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method, headers, search: (req.url ?? "").slice(path.length), body },
      context: async () => ({ principal, requestId, logger: logger.child({ requestId, keyId: principal.keyId }), feeds: deps.feeds }),
    });
    await writeResponse(res, response);
    deps.metrics?.observeRequest(operationNameOf(body), res.statusCode, (performance.now() - started) / 1000);
    logger.info(
      { requestId, keyId: principal.keyId, operation: operationNameOf(body), status: res.statusCode, durationMs: Math.round(performance.now() - started) },
      "graphql request",
    );
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const httpError = toHttpError(err);
      if (httpError.status >= 500 && httpError.code !== "UNAVAILABLE") logger.error({ err }, "request failed");
      // Don't read the rest of an oversize body: answer, and close the connection so it isn't reused.
      if (httpError.status === 413 && !res.headersSent) res.setHeader("connection", "close");
      if (!res.headersSent) sendJson(res, httpError.status, { errors: [{ message: httpError.message, extensions: { code: httpError.code } }] });
      else res.end();
      if (httpError.status === 413) res.once("finish", () => req.destroy());
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;

  const sockets = startWebSocketServer(server, deps);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    port,
    url: `http://${host}:${port}${GRAPHQL_PATH}`,
    async close() {
      // Stop taking requests, let the ones in flight finish (up to 10 s), then close what is left.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await sockets.close();
      await apollo.stop();
      const timer = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(timer);
    },
  };
}

function startWebSocketServer(server: Server, deps: HttpServerDeps) {
  const { logger, schema, apiKeys, config } = deps;
  const wss = new WebSocketServer({ server, path: GRAPHQL_PATH, maxPayload: config.maxRequestBytes });
  const byKey = new Map<string, Set<WebSocket>>();

  useServer<Record<string, unknown> | undefined, { principal?: Principal }>(
    {
      schema,
      onConnect: async (ctx) => {
        const principal = await apiKeys.authenticate(bearerSecret(ctx.connectionParams?.authorization) ?? "").catch(() => null);
        if (!principal) return false;
        ctx.extra.principal = principal;
        const sockets = byKey.get(principal.keyId) ?? new Set<WebSocket>();
        sockets.add(ctx.extra.socket);
        byKey.set(principal.keyId, sockets);
        ctx.extra.socket.once("close", () => sockets.delete(ctx.extra.socket));
        return true;
      },
      context: (ctx): RequestContext => {
        const principal = ctx.extra.principal as Principal;
        const requestId = randomUUID();
        return { principal, requestId, logger: logger.child({ requestId, keyId: principal.keyId, transport: "ws" }), feeds: deps.feeds };
      },
      onSubscribe: (_ctx, _id, payload) => {
        const nestingError = checkQueryNesting(payload.query);
        if (nestingError) return [nestingError];
        let document;
        try {
          document = parse(payload.query, { maxTokens: MAX_QUERY_TOKENS });
        } catch (err) {
          const message = err instanceof GraphQLError ? err.message : "could not parse the query";
          return [new GraphQLError(message, { extensions: { code: "GRAPHQL_PARSE_FAILED" } })];
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }));
        const limitError = checkOperationLimits(schema, document, payload.variables ?? undefined, payload.operationName ?? undefined);
        if (limitError) return [limitError];
        return undefined;
      },
      // Over the socket too: codes on every error, no stack, SQL or HTTP details.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => sanitize(e, unwrapResolverError(e))) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => sanitize(e, e)),
    },
    wss,
  );

  // A revoked key stops at once, including its open subscriptions (DESIGN.md "Who may do what").
  const unsubscribe = apiKeys.onRevoke((keyId) => {
    for (const socket of byKey.get(keyId) ?? []) socket.close(4403, "API key revoked");
    byKey.delete(keyId);
  });

  return {
    async close() {
      unsubscribe();
      for (const client of wss.clients) client.close(1001, "server shutting down");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** No stack traces, SQL or file paths leave the server; unexpected errors become a generic message. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === "string" && code !== "INTERNAL_SERVER_ERROR") {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  if (isUnavailable(unwrapResolverError(error))) {
    return { message: "storage is unavailable; retry shortly", path: formatted.path, extensions: { code: "UNAVAILABLE" } };
  }
  return {
    message: "internal error; it has been logged with this request's id (x-request-id)",
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  };
}

function sanitize(error: GraphQLError, original: unknown): GraphQLError {
  // Variables that don't fit their types are refused by execution without a code: the caller's to fix.
  if (!error.extensions?.code && /^Variable "\$/.test(error.message)) {
    return new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: "BAD_USER_INPUT" } });
  }
  const converted = original instanceof GraphQLError ? error : toGraphQLError(original);
  const source = converted instanceof GraphQLError ? converted : error;
  const formatted = formatError(source.toJSON(), original);
  const { http: _http, ...extensions } = formatted.extensions ?? {};
  return new GraphQLError(formatted.message, { nodes: error.nodes, path: error.path, extensions });
}

function errorLoggingPlugin() {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }: { errors: readonly GraphQLError[]; contextValue: RequestContext }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (!error.extensions?.code || error.extensions.code === "INTERNAL_SERVER_ERROR") {
              contextValue.logger.error({ err: original }, "unexpected error in a GraphQL operation");
            }
          }
        },
      };
    },
  };
}

async function authenticate(apiKeys: ApiKeyService, header: string | undefined): Promise<Principal> {
  const secret = bearerSecret(header);
  if (!secret) {
    throw new HttpError(401, "UNAUTHENTICATED", "send an API key: Authorization: Bearer <secret>");
  }
  const principal = await apiKeys.authenticate(secret);
  if (!principal) throw new HttpError(401, "UNAUTHENTICATED", "the API key is unknown or revoked");
  return principal;
}

export function bearerSecret(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

const tooLarge = (limit: number) =>
  new HttpError(413, "PAYLOAD_TOO_LARGE", `the request is larger than ${limit} bytes (MAX_REQUEST_BYTES); send fewer events or smaller payloads per request`);

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  try {
    return STRICT_UTF8.decode(Buffer.concat(chunks));
  } catch {
    throw new HttpError(400, "BAD_REQUEST", "the request body is not valid UTF-8");
  }
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

function parseBody(req: IncomingMessage, raw: string): unknown {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (!type.startsWith("application/json") && !type.startsWith("application/graphql-response+json")) {
    throw new HttpError(415, "BAD_REQUEST", "send the GraphQL request as JSON with Content-Type: application/json");
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, "BAD_REQUEST", "the request body is not valid JSON");
  }
}

async function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

export async function sendMetrics(res: ServerResponse, metrics: Metrics): Promise<void> {
  res.statusCode = 200;
  res.setHeader("content-type", metrics.registry.contentType);
  res.end(await metrics.registry.metrics());
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (isUnavailable(err)) return new HttpError(503, "UNAVAILABLE", "storage is unavailable; retry shortly");
  return new HttpError(500, "INTERNAL_SERVER_ERROR", "internal error; it has been logged with this request's id (x-request-id)");
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
}

function operationNameOf(body: unknown): string | undefined {
  const name = (body as { operationName?: unknown } | undefined)?.operationName;
  return typeof name === "string" ? name.slice(0, 100) : undefined;
}
