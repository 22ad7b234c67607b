import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { startSmtpSink } from "../../../test/support/smtp-sink.js";
import { createLogger } from "../logger.js";
import { createMailer, type MailMessage } from "./mailer.js";

const from = "Trading Platform <no-reply@localhost>";
const secret = "invitation code 7Q4-XK9-PLM2";
const message: MailMessage = { to: "alice@example.com", subject: "You are invited", text: `Your ${secret}.` };

function capturedLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } }) };
}

describe("mailer over SMTP", () => {
  it("delivers the message with its recipient, sender, subject and text", async () => {
    const sink = await startSmtpSink();
    const { lines, logger } = capturedLogger();
    const mailer = createMailer({ smtpUrl: sink.url, from, filesDir: "/nonexistent", logger, connectionTimeoutMs: 2_000 });
    try {
      expect(mailer.kind).toBe("smtp");
      await mailer.send(message);
      const received = await sink.waitForMessage((m) => m.subject === message.subject);
      expect(received.to).toMatchObject({ value: [{ address: "alice@example.com" }] });
      expect(received.from?.value).toEqual([{ address: "no-reply@localhost", name: "Trading Platform" }]);
      expect(received.text?.trim()).toBe(message.text);
      expect(lines.join("")).not.toContain(secret);
    } finally {
      await mailer.close();
      await sink.close();
    }
  });

  it("rejects when the server refuses the recipient", async () => {
    const sink = await startSmtpSink({
      onRcptTo: (_address, _session, callback) => callback(Object.assign(new Error("no such mailbox"), { responseCode: 550 })),
    });
    const { logger } = capturedLogger();
    const mailer = createMailer({ smtpUrl: sink.url, from, filesDir: "/nonexistent", logger, connectionTimeoutMs: 2_000 });
    try {
      const sending = mailer.send(message);
      await expect(sending).rejects.toThrow(/SMTP delivery failed.*no such mailbox/);
      await expect(sending).rejects.not.toThrow(secret);
      expect(sink.messages).toHaveLength(0);
    } finally {
      await mailer.close();
      await sink.close();
    }
  });
});

describe("mailer to files", () => {
  it("writes one private, parseable .eml and logs its path but never the body", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "um-mail-"));
    const filesDir = path.join(root, "mail");
    const { lines, logger } = capturedLogger();
    const mailer = createMailer({ from, filesDir, logger });
    try {
      expect(mailer.kind).toBe("files");
      await mailer.send({ ...message, html: `<p>Your <b>${secret}</b>.</p>` });

      const entries = await readdir(filesDir);
      expect(entries).toHaveLength(1);
      const [name] = entries as [string];
      expect(name).toMatch(/^\d{4}-\d{2}-\d{2}T[\d-]+Z-[0-9a-f]+\.eml$/);
      const file = path.join(filesDir, name);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(filesDir)).mode & 0o777).toBe(0o700);

      const raw = await readFile(file);
      expect(raw.toString("latin1")).toContain("\r\n");
      const parsed = await simpleParser(raw);
      expect(parsed.subject).toBe(message.subject);
      expect(parsed.text?.trim()).toBe(message.text);
      expect(parsed.html).toContain(secret);
      expect(parsed.from?.text).toBe(`"Trading Platform" <no-reply@localhost>`);

      const written = lines.join("");
      expect(written).toContain(JSON.stringify(file));
      expect(written).not.toContain(secret);
      expect(written).not.toContain("7Q4-XK9-PLM2");
    } finally {
      await mailer.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
