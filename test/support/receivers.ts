import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** What the receiver answered (0: it hung up without answering). */
  readonly status: number;
  readonly atMs: number;
}

/** How the receiver answers one request: a status (with headers), or a hang of `hangMs` then a drop. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | { hangMs: number };

export interface HttpReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Decides each answer; default 200. */
  answer: (req: { path: string; headers: IncomingHttpHeaders; body: string }, index: number) => Answer;
  close(): Promise<void>;
}

/** A real HTTP server on loopback that records every request and answers as told. */
export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const receiver: HttpReceiver = {
    url: "",
    requests,
    answer: () => ({ status: 200 }),
    close: async () => undefined,
  };
  let index = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const seen = { path: req.url ?? "/", headers: req.headers, body };
      const answer = receiver.answer(seen, index++);
      if ("hangMs" in answer) {
        requests.push({ ...seen, status: 0, atMs: Date.now() });
        setTimeout(() => res.destroy(), answer.hangMs).unref();
        return;
      }
      requests.push({ ...seen, status: answer.status, atMs: Date.now() });
      res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
      res.end(answer.body ?? (answer.status < 300 ? "ok" : "receiver failure"));
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  Object.assign(receiver, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return receiver;
}

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
  readonly subject: string;
  readonly messageId: string;
}

export interface SmtpReceiver {
  readonly port: number;
  readonly url: string;
  readonly mails: ReceivedMail[];
  /** Set: the next messages are refused with this SMTP reply code (e.g. 451). */
  refuseWith: number | null;
  close(): Promise<void>;
}

/** A real SMTP server on loopback (the smtp-server package) that keeps every message. */
export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const receiver = { port: 0, url: "", mails, refuseWith: null as number | null, close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (receiver.refuseWith !== null) {
          const err = Object.assign(new Error("mailbox busy, try later"), { responseCode: receiver.refuseWith });
          return callback(err);
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        const header = (name: string) => new RegExp(`^${name}: (.*(?:\\r\\n[ \\t].*)*)`, "mi").exec(raw)?.[1].replace(/\r\n[ \t]/g, " ") ?? "";
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject: header("Subject"),
          messageId: header("Message-ID"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    port,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
