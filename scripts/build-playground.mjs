// Bundles the GraphQL playground (GraphiQL, React, Monaco and its workers) into build/playground/,
// served by the server under /graphql/playground/. Run by postinstall and `npm run build:playground`.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "build", "playground");
const publicPath = "/graphql/playground";
const require = createRequire(import.meta.url);

function installed(name) {
  try {
    require.resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}

const missing = ["esbuild", "graphiql", "react", "react-dom"].filter((name) => !installed(name));
if (missing.length > 0) {
  // An install without devDependencies (a production image) has no bundler: the page answers 503 until a full install builds it.
  console.log(`build-playground: skipped, ${missing.join(", ")} not installed (an install without devDependencies)`);
  process.exit(0);
}

const esbuild = await import("esbuild");
const shared = { bundle: true, minify: true, legalComments: "none", target: "es2022", logLevel: "warning", outdir, metafile: true };

/** The output files (relative to outdir) built from one entry point. */
function outputsOf(metafile, entryPoint) {
  return Object.entries(metafile.outputs)
    .filter(([, output]) => output.entryPoint === entryPoint)
    .map(([file]) => path.relative(outdir, path.resolve(root, file)));
}

const allFiles = (metafile) => Object.keys(metafile.outputs).map((file) => path.relative(outdir, path.resolve(root, file)));

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

// Monaco and monaco-graphql as @graphiql/react depends on them (it pins Monaco's version).
const graphiqlReact = path.dirname(require.resolve("@graphiql/react/package.json"));
const entryOf = (specifier) => path.relative(root, require.resolve(specifier, { paths: [graphiqlReact] })).split(path.sep).join("/");
const workerEntries = {
  "editor.worker": entryOf("monaco-editor/esm/vs/editor/editor.worker.js"),
  "json.worker": entryOf("monaco-editor/esm/vs/language/json/json.worker.js"),
  "graphql.worker": entryOf("monaco-graphql/esm/graphql.worker.js"),
};
const workers = await esbuild.build({
  ...shared,
  absWorkingDir: root,
  entryPoints: workerEntries,
  entryNames: "[name]-[hash]",
  format: "iife",
});
const workerUrls = Object.fromEntries(
  Object.entries(workerEntries).map(([name, entry]) => {
    const [file] = outputsOf(workers.metafile, entry);
    if (!file) throw new Error(`build-playground: no output for the ${name} entry`);
    return [name, `${publicPath}/${file}`];
  }),
);

const app = await esbuild.build({
  ...shared,
  absWorkingDir: root,
  entryPoints: { app: "src/playground/browser/app.tsx" },
  entryNames: "[name]-[hash]",
  assetNames: "[name]-[hash]",
  format: "esm",
  jsx: "automatic",
  loader: { ".ttf": "file", ".woff": "file", ".woff2": "file", ".svg": "file", ".png": "file" },
  // The fetcher loads graphql-ws only for subscriptions over WebSocket, which this subgraph has none of.
  external: ["graphql-ws"],
  define: {
    "process.env.NODE_ENV": '"production"',
    __PLAYGROUND_WORKERS__: JSON.stringify(workerUrls),
  },
});
const script = outputsOf(app.metafile, "src/playground/browser/app.tsx").find((file) => file.endsWith(".js"));
const styles = allFiles(app.metafile).filter((file) => file.endsWith(".css"));
if (!script) throw new Error("build-playground: the app entry produced no script");

const manifest = { script, styles, files: [...allFiles(workers.metafile), ...allFiles(app.metafile)].sort() };
await writeFile(path.join(outdir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`build-playground: ${manifest.files.length} files in ${path.relative(root, outdir)}/`);
