import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockedAddressError, guardedLookup, isPublicAddress } from "./address-guard";
import { isIP } from "node:net";
import { parseRetryAfter } from "./retry";

export interface SendOutcome {
  readonly ok: boolean;
  /** HTTP status (or SMTP reply code); null when no answer came. */
  readonly status: number | null;
  readonly latencyMs: number;
  /** Why it failed, short and free of secrets. */
  readonly error: string | null;
  readonly retryAfterSeconds: number | null;
}

export interface HttpSendOptions {
  readonly timeoutMs: number;
  readonly allowPrivate: boolean;
  /** The most of a response body read (for the error text); the rest is discarded. */
  readonly maxResponseBytes: number;
}

const ERROR_TEXT_CHARS = 300;

/**
 * One POST: no redirects followed, the whole exchange bounded by timeoutMs, the destination's address
 * checked when the socket connects. The URL is never part of the error: it may carry a token (Slack).
 */
export function postJson(url: URL, body: string, headers: Record<string, string>, options: HttpSendOptions): Promise<SendOutcome> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  const failed = (error: string, status: number | null = null, retryAfterSeconds: number | null = null): SendOutcome => ({
    ok: false,
    status,
    latencyMs: elapsed(),
    error: error.slice(0, ERROR_TEXT_CHARS),
    retryAfterSeconds,
  });
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && !options.allowPrivate && !isPublicAddress(host)) {
    return Promise.resolve(failed(`${host} is a private or reserved address`));
  }
  const send = url.protocol === "https:" ? httpsRequest : url.protocol === "http:" ? httpRequest : undefined;
  if (!send) return Promise.resolve(failed(`unsupported scheme ${url.protocol}`));
  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = send(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body).toString(), "user-agent": "alerts-platform-notifier", ...headers },
        lookup: guardedLookup(options.allowPrivate) as never,
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let read = 0;
        res.on("data", (chunk: Buffer) => {
          if (read >= options.maxResponseBytes) return;
          chunks.push(chunk.subarray(0, options.maxResponseBytes - read));
          read += chunk.length;
          if (read >= options.maxResponseBytes) res.destroy();
        });
        const done = () => {
          if (status >= 200 && status < 300) return finish({ ok: true, status, latencyMs: elapsed(), error: null, retryAfterSeconds: null });
          const text = Buffer.concat(chunks).toString("utf8").replace(/\s+/g, " ").trim();
          const retryAfter = parseRetryAfter(res.headers["retry-after"] as string | undefined);
          if (status >= 300 && status < 400) return finish(failed(`HTTP ${status}: redirects are not followed; point the channel at the final URL`, status));
          finish(failed(`HTTP ${status}${text ? `: ${text}` : ""}`, status, retryAfter));
        };
        res.on("end", done);
        res.on("close", done);
        res.on("error", done);
      },
    );
    const timer = setTimeout(() => {
      finish(failed(`no answer within ${options.timeoutMs} ms`));
      req.destroy();
    }, options.timeoutMs);
    req.on("error", (err: NodeJS.ErrnoException) => {
      finish(failed(err instanceof BlockedAddressError ? err.message : `${err.code ?? "request failed"}: ${describe(err)}`));
    });
    req.end(body);
  });
}

/** Node's socket errors name the address (fine) but never the path or query; keep only the first line. */
function describe(err: Error): string {
  return err.message.split("\n")[0];
}
