import { randomBytes } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createSecretBox, loadSecretBoxKey } from "./secret-box.js";

describe("secret box", () => {
  it("seals with a fresh IV each time and opens only under the same key, untampered", () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.seal("JBSWY3DPEHPK3PXP");
    expect(sealed).not.toContain("JBSWY3DPEHPK3PXP");
    expect(box.seal("JBSWY3DPEHPK3PXP")).not.toBe(sealed);
    expect(box.open(sealed)).toBe("JBSWY3DPEHPK3PXP");
    expect(() => createSecretBox(randomBytes(32)).open(sealed)).toThrow();
    const tampered = Buffer.from(sealed, "base64");
    tampered[tampered.length - 1]! ^= 1;
    expect(() => box.open(tampered.toString("base64"))).toThrow();
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });

  it("keeps a generated key 0600 on the embedded default, and demands a configured one in production", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "um-secret-box-"));
    try {
      const first = await loadSecretBoxKey({ dataDir, requireConfigured: false });
      expect(first).toHaveLength(32);
      expect(await loadSecretBoxKey({ dataDir, requireConfigured: false })).toEqual(first);
      expect((await stat(path.join(dataDir, "keys", "secret-box.key"))).mode & 0o777).toBe(0o600);
      await expect(loadSecretBoxKey({ dataDir, requireConfigured: true })).rejects.toThrow(/SECRET_ENCRYPTION_KEY/);
      const configured = randomBytes(32).toString("base64");
      expect((await loadSecretBoxKey({ configured, dataDir, requireConfigured: true })).toString("base64")).toBe(configured);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
