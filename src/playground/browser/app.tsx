import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { createRoot } from "react-dom/client";
import "graphiql/style.css";
import "./playground.css";

declare const __PLAYGROUND_WORKERS__: Record<"editor.worker" | "json.worker" | "graphql.worker", string>;

// Monaco asks for its workers by label; ours are bundled next to this script.
(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    if (label === "json") return new Worker(__PLAYGROUND_WORKERS__["json.worker"]);
    if (label === "graphql") return new Worker(__PLAYGROUND_WORKERS__["graphql.worker"]);
    return new Worker(__PLAYGROUND_WORKERS__["editor.worker"]);
  },
};

const defaultQuery = `# Register, then paste the accessToken into Headers as
# {"Authorization": "Bearer <accessToken>"} and run the query below it.
mutation Register {
  register(input: { email: "ann@example.com", password: "correct horse battery staple", fullName: "Ann Example" }) {
    user { id email }
    tokens { accessToken refreshToken expiresIn }
    userErrors { field code message }
  }
}

query Me {
  me { id email fullName }
}
`;

const fetcher = createGraphiQLFetcher({ url: window.location.pathname, enableIncrementalDelivery: false });
const container = document.getElementById("playground");
if (!container) throw new Error("The playground page has no #playground element");

createRoot(container).render(
  <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} defaultEditorToolsVisibility="headers" isHeadersEditorEnabled shouldPersistHeaders={false} />,
);
