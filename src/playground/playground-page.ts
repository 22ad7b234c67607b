/** What scripts/build-playground.mjs writes to manifest.json: the page's script and styles, and every file it built. */
export interface PlaygroundManifest {
  script: string;
  styles: string[];
  files: string[];
}

/** Same-origin only; Monaco adds <style> elements at run time, and GraphiQL's CSS inlines its fonts and icons as data: URLs. */
export const playgroundContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const playgroundPageHeaders = {
  "content-security-policy": playgroundContentSecurityPolicy,
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** The HTML of the page: the bundle's styles and script by their hashed names, nothing inline. */
export function playgroundPage(manifest: PlaygroundManifest, assetPath: string): string {
  const styles = manifest.styles.map((file) => `    <link rel="stylesheet" href="${assetPath}/${file}" />`).join("\n");
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>User Management · GraphQL playground</title>
    <link rel="icon" href="data:," />
${styles}
  </head>
  <body>
    <div id="playground"></div>
    <script type="module" src="${assetPath}/${manifest.script}"></script>
  </body>
</html>
`;
}
