import { createSocket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDnsServer, type TestDnsServer } from "../../../test/support/dns-server.js";
import { createTxtLookup, DnsLookupError } from "./txt-records.js";

describe("createTxtLookup", () => {
  let dns: TestDnsServer;
  beforeAll(async () => {
    dns = await startDnsServer();
  });
  afterAll(async () => {
    await dns?.close();
  });

  it("finds every TXT record of a name, with a long record's chunks joined", async () => {
    const long = `trading-platform-verification=${"x".repeat(300)}`;
    dns.setTxt("_verify.acme.test", ["v=spf1 -all", long]);
    const lookup = createTxtLookup({ servers: [dns.address] });
    const records = await lookup("_verify.ACME.test");
    expect(records.sort()).toEqual([long, "v=spf1 -all"].sort());
  });

  it("reads UTF-8 text as written, also across a chunk boundary", async () => {
    const text = `société=${"é".repeat(200)}`;
    dns.setTxt("utf8.acme.test", [text]);
    expect(await createTxtLookup({ servers: [dns.address] })("utf8.acme.test")).toEqual([text]);
  });

  it("sees a changed record on the next lookup", async () => {
    const lookup = createTxtLookup({ servers: [dns.address] });
    dns.setTxt("changing.acme.test", ["first"]);
    expect(await lookup("changing.acme.test")).toEqual(["first"]);
    dns.setTxt("changing.acme.test", ["second"]);
    expect(await lookup("changing.acme.test")).toEqual(["second"]);
    dns.clear("changing.acme.test");
    expect(await lookup("changing.acme.test")).toEqual([]);
  });

  it("gives [] for an unknown name (NXDOMAIN) and for a name without TXT records (NODATA)", async () => {
    dns.setTxt("empty.acme.test", []);
    const lookup = createTxtLookup({ servers: [dns.address] });
    expect(await lookup("unknown.acme.test")).toEqual([]);
    expect(await lookup("empty.acme.test")).toEqual([]);
  });

  it("rejects with DnsLookupError when nothing listens on the server's port", async () => {
    const lookup = createTxtLookup({ servers: [`127.0.0.1:${await closedUdpPort()}`], timeoutMs: 200, tries: 1 });
    const failure = lookup("acme.test");
    await expect(failure).rejects.toBeInstanceOf(DnsLookupError);
    await expect(failure).rejects.toThrow(/^TXT lookup of acme\.test failed \(E[A-Z]+\)$/);
  });

  it("rejects with DnsLookupError once the timeout passes without an answer", async () => {
    const silent = createSocket("udp4");
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    try {
      const lookup = createTxtLookup({ servers: [`127.0.0.1:${silent.address().port}`], timeoutMs: 200, tries: 1 });
      const started = performance.now();
      await expect(lookup("acme.test")).rejects.toThrow(new DnsLookupError("TXT lookup of acme.test failed (ETIMEOUT)"));
      expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

/** A loopback UDP port nothing listens on: bound once to get a free number, then released. */
async function closedUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
