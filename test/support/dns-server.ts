import { createServer, Packet } from "dns2";

/** An authoritative-only DNS server on a free loopback UDP port, answering TXT questions from an in-memory table. */
export interface TestDnsServer {
  /** "127.0.0.1:<port>", as `TxtLookupOptions.servers` takes it. */
  address: string;
  /** Publishes `values` as the TXT records of `name` (one record per value); [] makes the name exist without TXT records. */
  setTxt(name: string, values: string[]): void;
  /** Removes `name`, which then answers NXDOMAIN. */
  clear(name: string): void;
  close(): Promise<void>;
}

// A TXT <character-string> holds at most 255 octets (RFC 1035 §3.3); dns2 does not split longer ones itself.
const maxChunkBytes = 255;
// RFC 1035 §4.1.1 response codes; dns2 has them as Packet.RCODE at runtime but its types leave them out.
const rcode = { FORMERR: 1, NXDOMAIN: 3 } as const;

/**
 * Starts the server. UDP only: a response larger than the client's UDP payload size (512 bytes without EDNS) is sent
 * truncated and the client's retry over TCP fails, so keep each name's records within that.
 */
export async function startDnsServer(): Promise<TestDnsServer> {
  const records = new Map<string, string[]>();

  const server = createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      response.header.aa = 1;
      const [question] = request.questions;
      const values = question ? records.get(keyOf(question.name)) : undefined;
      if (!question) {
        response.header.rcode = rcode.FORMERR;
      } else if (!values) {
        response.header.rcode = rcode.NXDOMAIN;
      } else if (question.type === Packet.TYPE.TXT) {
        for (const value of values) {
          // TTL 0 so a resolver never serves a record the test has since changed.
          const { TXT } = Packet.TYPE;
          response.answers.push(new Packet.Resource({ name: question.name, type: TXT, class: Packet.CLASS.IN, ttl: 0, data: chunks(value) }));
        }
      }
      // A UDP client that has gone away has nothing left to tell.
      send(response).catch(() => undefined);
    },
  });

  const failed = new Promise<never>((_, reject) => server.once("error", reject));
  const addresses = await Promise.race([server.listen({ udp: { port: 0, address: "127.0.0.1" } }), failed]);
  const port = addresses.udp?.port;
  if (!port) throw new Error("dns2 test server did not report its UDP port");

  return {
    address: `127.0.0.1:${port}`,
    setTxt: (name, values) => void records.set(keyOf(name), [...values]),
    clear: (name) => void records.delete(keyOf(name)),
    close: () => server.close(),
  };
}

function keyOf(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/** Splits `value` into character-strings of at most 255 UTF-8 bytes, never inside a character. */
function chunks(value: string): string[] {
  const result: string[] = [];
  let current = "";
  for (const character of value) {
    if (Buffer.byteLength(current + character) > maxChunkBytes) {
      result.push(current);
      current = "";
    }
    current += character;
  }
  if (current !== "" || result.length === 0) result.push(current);
  return result;
}
