import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { createTransport } from "nodemailer";
import type { Logger } from "../logger.js";

/** One outgoing message; `text` and `html` carry secrets (codes, tokens) and are never logged. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** The service's one way to send mail. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
  kind: "smtp" | "files";
}

/** How `createMailer` picks and configures its adapter. */
export interface MailerOptions {
  /** smtp://user:pass@host:port or smtps://… (implicit TLS); unset → .eml files */
  smtpUrl?: string;
  /** Require STARTTLS on smtp:// (default false so a loopback sink without TLS works) */
  requireTls?: boolean;
  /** e.g. "Trading Platform <no-reply@localhost>" */
  from: string;
  /** Where .eml files go when no smtpUrl (the caller passes <dataDir>/mail) */
  filesDir: string;
  logger: Logger;
  connectionTimeoutMs?: number;
}

/** An SMTP mailer when `smtpUrl` is set, otherwise one that writes each message to an .eml file. */
export function createMailer(options: MailerOptions): Mailer {
  return options.smtpUrl ? smtpMailer(options.smtpUrl, options) : filesMailer(options);
}

function smtpMailer(smtpUrl: string, options: MailerOptions): Mailer {
  const timeout = options.connectionTimeoutMs ?? 10_000;
  const transport = createTransport(
    {
      url: smtpUrl,
      pool: true,
      requireTLS: options.requireTls ?? false,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      // nodemailer's own logger would print SMTP traffic, DATA (the body) included.
      logger: false,
      debug: false,
    },
    { from: options.from },
  );
  return {
    kind: "smtp",
    async send(message) {
      let info;
      try {
        info = await transport.sendMail(message);
      } catch (error) {
        throw new Error(`SMTP delivery failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      // With several recipients the server may refuse some and still accept the message.
      if (info.rejected.length > 0) throw new Error(`SMTP delivery failed: the server rejected ${info.rejected.length} recipient(s)`);
      options.logger.info({ mail: { messageId: info.messageId, recipients: info.envelope.to.length } }, "mail sent over SMTP");
    },
    async close() {
      transport.close();
    },
  };
}

function filesMailer(options: MailerOptions): Mailer {
  const composer = createTransport({ streamTransport: true, buffer: true, newline: "windows" }, { from: options.from });
  return {
    kind: "files",
    async send(message) {
      const info = await composer.sendMail(message);
      if (!Buffer.isBuffer(info.message)) throw new Error("mail composer did not return a buffer");
      await mkdir(options.filesDir, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(6).toString("hex")}.eml`;
      const file = path.join(options.filesDir, name);
      // A dot-named temp file in the same directory: readers never see a half-written .eml, and rename is atomic.
      const temporary = path.join(options.filesDir, `.${name}.tmp`);
      try {
        await writeFile(temporary, info.message, { mode: 0o600, flag: "wx" });
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      options.logger.info({ mail: { path: file, recipients: info.envelope.to.length } }, "mail written to file");
    },
    async close() {},
  };
}
