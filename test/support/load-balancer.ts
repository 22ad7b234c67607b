import { get } from "node:http";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";

/** What the balancer saw of one backend, with `Date.now()` times. */
export interface BackendView {
  url: string;
  /** Whether its last readiness poll answered 200. */
  ready: boolean;
  /** When a readiness poll first answered 503. */
  firstUnreadyAt?: number;
  /** When a readiness poll first found nothing listening. */
  firstRefusedAt?: number;
  /** When it last sent bytes to a client. */
  lastDataAt?: number;
  /** Every client connection routed to it: when it opened and when it ended. */
  connections: { openedAt: number; closedAt?: number }[];
}

export interface LoadBalancer {
  url: string;
  backends: BackendView[];
  /** Client connections turned away because no backend was ready. */
  turnedAway: number;
  close(): Promise<void>;
}

/**
 * A loopback TCP balancer like a Kubernetes Service: each new client connection goes, round-robin, to a
 * backend whose last `/health/ready` poll answered 200, and stays with it (kube-proxy balances
 * connections, not requests) until one side closes it. It never retries.
 */
export async function startLoadBalancer(backendUrls: string[], options: { pollIntervalMs?: number } = {}): Promise<LoadBalancer> {
  const backends: BackendView[] = backendUrls.map((url) => ({ url, ready: false, connections: [] }));
  const open = new Set<Socket>();
  let next = 0;
  const balancer: LoadBalancer = { url: "", backends, turnedAway: 0, close };

  const server = createServer((client) => {
    const ready = backends.filter((backend) => backend.ready);
    if (ready.length === 0) {
      balancer.turnedAway += 1;
      client.destroy();
      return;
    }
    const backend = ready[next++ % ready.length]!;
    const record: BackendView["connections"][number] = { openedAt: Date.now() };
    backend.connections.push(record);
    const { hostname, port } = new URL(backend.url);
    const upstream = connect(Number(port), hostname);
    open.add(client).add(upstream);
    upstream.on("data", () => (backend.lastDataAt = Date.now()));
    const fail = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", fail).on("close", () => {
      open.delete(client);
      upstream.end();
    });
    upstream.on("error", fail).on("close", () => {
      record.closedAt = Date.now();
      open.delete(upstream);
      client.end();
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  balancer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const polling = new Set<BackendView>();
  const poll = async (backend: BackendView) => {
    if (polling.has(backend)) return;
    polling.add(backend);
    const status = await readinessStatus(backend.url);
    polling.delete(backend);
    backend.ready = status === 200;
    if (status === 503) backend.firstUnreadyAt ??= Date.now();
    if (status === "refused") backend.firstRefusedAt ??= Date.now();
  };
  await Promise.all(backends.map(poll));
  const poller = setInterval(() => backends.forEach((backend) => void poll(backend)), options.pollIntervalMs ?? 150);

  async function close() {
    clearInterval(poller);
    for (const socket of open) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return balancer;
}

/** The status of `GET /health/ready` on a fresh connection, or "refused" when nothing listens. */
function readinessStatus(baseUrl: string): Promise<number | "refused" | "failed"> {
  return new Promise((resolve) => {
    const request = get(`${baseUrl}/health/ready`, { agent: false, timeout: 1000 }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    request.on("timeout", () => request.destroy(new Error("readiness timed out")));
    request.on("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED" ? "refused" : "failed"));
  });
}
