import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

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
});
