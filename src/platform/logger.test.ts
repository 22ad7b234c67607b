import { Writable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { withCorrelationId } from "./correlation.js";
import { chooseLogFormat, createLogger } from "./logger.js";

describe("logger", () => {
  it("never writes passwords, tokens, codes or authorization headers", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } });
    logger.info(
      {
        input: { password: "hunter2-hunter2", email: "a@example.com" },
        tokens: { accessToken: "eyJ.secret.jwt", refreshToken: "opaque-refresh" },
        code: "123456",
        req: { headers: { authorization: "Bearer eyJ.secret.jwt" } },
        variables: { newPassword: "correct horse" },
      },
      "something happened",
    );
    const written = lines.join("");
    for (const secret of ["hunter2-hunter2", "eyJ.secret.jwt", "opaque-refresh", "123456", "correct horse"]) {
      expect(written).not.toContain(secret);
    }
    expect(written).toContain("a@example.com");
    expect(written).toContain("something happened");
  });

  it("tags lines written inside a correlation scope with its id, once, also on a request's own child logger", () => {
    const lines: Record<string, unknown>[] = [];
    const written: string[] = [];
    const logger = createLogger({ level: "info", destination: { write: (line: string) => void (written.push(line), lines.push(JSON.parse(line))) } });
    logger.info("outside");
    withCorrelationId("corr-42", () => {
      logger.child({ component: "mail" }).info("from a service");
      logger.child({ correlationId: "corr-42" }).info("from the request logger");
    });
    expect(lines.map((line) => line.correlationId)).toEqual([undefined, "corr-42", "corr-42"]);
    expect(written[2]!.match(/"correlationId"/g)).toHaveLength(1);
  });
});

describe("chooseLogFormat", () => {
  it("writes JSON in production whatever is asked, honours LOG_FORMAT elsewhere, and is pretty on a development terminal", () => {
    expect(chooseLogFormat({ env: "production", requested: "pretty", stdoutIsTty: true })).toBe("json");
    expect(chooseLogFormat({ env: "development", requested: undefined, stdoutIsTty: true })).toBe("pretty");
    expect(chooseLogFormat({ env: "development", requested: undefined, stdoutIsTty: false })).toBe("json");
    expect(chooseLogFormat({ env: "development", requested: "json", stdoutIsTty: true })).toBe("json");
    expect(chooseLogFormat({ env: "test", requested: undefined, stdoutIsTty: true })).toBe("json");
    expect(chooseLogFormat({ env: "test", requested: "pretty", stdoutIsTty: false })).toBe("pretty");
  });

  it("pretty output is one human-readable line per entry, not JSON, and still redacts", async () => {
    let text = "";
    const destination = new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    });
    const logger = createLogger({ level: "info", format: "pretty", destination });
    logger.info({ password: "hunter2-hunter2", user: "ann" }, "pretty line");
    await vi.waitFor(() => expect(text).toContain("pretty line"));
    expect(text.trimStart().startsWith("{")).toBe(false);
    expect(text).toContain("INFO");
    expect(text).not.toContain("hunter2-hunter2");
  });
});
