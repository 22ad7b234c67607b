import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import { ErrorCode } from "../platform/errors.js";
import { playgroundPage, playgroundPageHeaders, type PlaygroundManifest } from "./playground-page.js";

/** Where scripts/build-playground.mjs writes the bundle (git-ignored). */
export const playgroundBundleDirectory = fileURLToPath(new URL("../../build/playground/", import.meta.url));
export const playgroundAssetPath = "/graphql/playground";

const fileNamePattern = /^[A-Za-z0-9._-]+$/;
const contentTypes: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".ttf": "font/ttf",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};
const notBuiltMessage =
  "The GraphQL playground is not built on this server: run `npm run build:playground` (it needs the devDependencies), then reload.\n";

export interface PlaygroundOptions {
  enabled: boolean;
  directory?: string;
}

/**
 * The GraphiQL page on a browser's `GET /graphql` (an onRequest hook of the /graphql route, so it answers
 * before Apollo) and its bundled files under /graphql/playground/.
 */
export function graphqlPlayground({ enabled, directory = playgroundBundleDirectory }: PlaygroundOptions) {
  async function servePage(reply: FastifyReply): Promise<void> {
    if (!enabled) {
      reply.code(404).send({
        errors: [{ code: ErrorCode.NOT_FOUND, message: "The GraphQL playground is off on this server (GRAPHQL_PLAYGROUND); send operations with POST /graphql" }],
      });
      return;
    }
    const manifest = await readManifest(directory);
    if (!manifest) reply.code(503).type("text/plain; charset=utf-8").header("cache-control", "no-store").send(notBuiltMessage);
    else reply.headers(playgroundPageHeaders).type("text/html; charset=utf-8").send(playgroundPage(manifest, playgroundAssetPath));
  }

  return {
    // Callback form: every GraphQL request passes through it, and an async hook costs each a promise and a tick.
    onGraphqlRequest(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
      if (!isBrowserPageRequest(request)) return done();
      servePage(reply).catch((error: unknown) => reply.send(error));
    },

    async routes(app: FastifyInstance): Promise<void> {
      if (!enabled) return;
      if (!(await readManifest(directory))) app.log.warn("GraphQL playground enabled but not built: GET /graphql answers 503 until `npm run build:playground`");
      app.get<{ Params: { file: string } }>(`${playgroundAssetPath}/:file`, async (request, reply) => {
        const { file } = request.params;
        const manifest = await readManifest(directory);
        if (!manifest?.files.includes(file)) return reply.code(404).send({ errors: [{ code: ErrorCode.NOT_FOUND, message: "No such playground file" }] });
        const content = await readFile(path.join(directory, file));
        return reply
          .type(contentTypes[path.extname(file)] ?? "application/octet-stream")
          .header("cache-control", "public, max-age=31536000, immutable")
          .header("x-content-type-options", "nosniff")
          .send(content);
      });
    },
  };
}

/** A browser navigating to /graphql, not a GraphQL request: GET, asking for HTML, without an operation. */
function isBrowserPageRequest(request: FastifyRequest): boolean {
  if (request.method !== "GET") return false;
  if (!(request.headers.accept ?? "").includes("text/html")) return false;
  const query = request.query as Record<string, unknown>;
  return query.query === undefined && query.extensions === undefined;
}

/** The build's manifest, or undefined when there is no (readable, well-formed) build. */
async function readManifest(directory: string): Promise<PlaygroundManifest | undefined> {
  let manifest: PlaygroundManifest;
  try {
    manifest = JSON.parse(await readFile(path.join(directory, "manifest.json"), "utf8")) as PlaygroundManifest;
  } catch {
    return undefined;
  }
  if (!Array.isArray(manifest.files) || !Array.isArray(manifest.styles)) return undefined;
  const named = [manifest.script, ...manifest.styles].every((name) => manifest.files.includes(name));
  return named && manifest.files.every((file) => fileNamePattern.test(file)) ? manifest : undefined;
}
