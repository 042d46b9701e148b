import { createTransport, type Transporter } from "nodemailer";
import type { SendOutcome } from "./http-sender";

export interface SmtpSettings {
  /** smtp://[user:password@]host[:port] or smtps://…; unset: EMAIL channels fail with a message saying so. */
  readonly url: string | undefined;
  readonly from: string;
  readonly timeoutMs: number;
}

const ERROR_TEXT_CHARS = 300;

/** EMAIL channels send through the one SMTP server the operator configured (SMTP_URL). */
export class EmailSender {
  private readonly transport: Transporter | undefined;

  constructor(private readonly settings: SmtpSettings) {
    this.transport = settings.url
      ? createTransport(settings.url, {
          pool: true,
          maxConnections: 4,
          connectionTimeout: settings.timeoutMs,
          greetingTimeout: settings.timeoutMs,
          socketTimeout: settings.timeoutMs,
        } as never)
      : undefined;
  }

  async send(to: readonly string[], subject: string, text: string, messageId: string): Promise<SendOutcome> {
    const startedAt = performance.now();
    const latencyMs = () => Math.round(performance.now() - startedAt);
    if (!this.transport) return { ok: false, status: null, latencyMs: 0, error: "no SMTP server is configured: set SMTP_URL", retryAfterSeconds: null };
    try {
      const info = (await this.transport.sendMail({
        from: this.settings.from,
        to: [...to],
        subject,
        text,
        // Stable across retries, so that mail clients and receivers can tell a resend from a new message.
        messageId: `<${messageId}@alerts-platform>`,
        headers: { "X-Alerts-Message-Id": messageId },
      })) as { response?: string };
      const code = Number(/^(\d{3})/.exec(info.response ?? "")?.[1] ?? 250);
      return { ok: true, status: code, latencyMs: latencyMs(), error: null, retryAfterSeconds: null };
    } catch (err) {
      const e = err as Error & { responseCode?: number; code?: string };
      const text = `${e.code ? `${e.code}: ` : ""}${e.message.split("\n")[0]}`;
      return { ok: false, status: e.responseCode ?? null, latencyMs: latencyMs(), error: text.slice(0, ERROR_TEXT_CHARS), retryAfterSeconds: null };
    }
  }

  close(): void {
    this.transport?.close();
  }
}
