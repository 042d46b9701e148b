import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Metrics } from "./metrics";
import { sendMetrics } from "./server";

/** An engine-only process still answers /healthz, /readyz and /metrics, for orchestrators and Prometheus. */
export async function startHealthServer(opts: { port: number; host: string; ready: () => Promise<boolean>; metrics?: Metrics }): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const answer = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader("content-type", "application/json; charset=utf-8");
      res.end(JSON.stringify(body));
    };
    if (path === "/healthz") return answer(200, { status: "ok" });
    if (path === "/readyz") {
      void opts.ready().then(
        (ready) => answer(ready ? 200 : 503, { status: ready ? "ready" : "not ready" }),
        () => answer(503, { status: "not ready" }),
      );
      return;
    }
    if (path === "/metrics" && opts.metrics) {
      void sendMetrics(res, opts.metrics);
      return;
    }
    answer(404, { errors: [{ message: "an engine process serves /healthz, /readyz and /metrics only", extensions: { code: "NOT_FOUND" } }] });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
