// `npm run demo`: our subgraph, the orders subgraph and an @apollo/gateway over both, until Ctrl-C.
import { demoEmail, demoShellLines, placeOrderOperation, spanningQuery } from "./demo-operations.js";
import { demoPortsFrom, startDemo, type Demo } from "./start-demo.js";

let demo: Demo;
try {
  demo = await startDemo({ ports: demoPortsFrom(process.env) });
} catch (error) {
  console.error(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const dataDir = demo.deps.config.database.kind === "pglite" ? demo.deps.config.database.directory : "DATABASE_URL";
console.log(
  [
    "",
    "Gateway demo is running:",
    `  gateway          ${demo.gatewayUrl}   (open it in a browser for Apollo Sandbox)`,
    `  user-management  ${demo.subgraphUrl}   (this subgraph; data in ${dataDir})`,
    `  orders           ${demo.ordersUrl}   (in memory; verifies our access tokens against /.well-known/jwks.json)`,
    "",
    "A query spanning both subgraphs (send it with Authorization: Bearer <accessToken>):",
    `  ${spanningQuery.query}`,
    "after an order was placed with:",
    `  ${placeOrderOperation.query}`,
    "",
    "From a shell: register through the gateway, place an order, then query both subgraphs at once:",
    ...demoShellLines(demo.gatewayUrl, demoEmail()),
    "",
    "Ctrl-C stops all three.",
    "",
  ].join("\n"),
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping the gateway, the orders subgraph and user-management`);
  const forced = setTimeout(() => {
    console.error("The demo did not stop in time; exiting");
    process.exit(1);
  }, demo.deps.config.http.shutdownTimeoutMs);
  forced.unref();
  try {
    await demo.stop();
    console.log("stopped");
    process.exit(0);
  } catch (error) {
    console.error(`Stopping failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
