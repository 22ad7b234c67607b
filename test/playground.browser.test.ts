import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertChromiumInstalled, builtPlaygroundManifest, chromiumArgs, chromiumPath } from "./support/playground.js";
import { startTestServer, type TestServer } from "./support/server.js";

const screenshotPath = "test-artifacts/playground.png";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  assertChromiumInstalled();
  await builtPlaygroundManifest();
  server = await startTestServer();
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** What the page's script sees (this project's TypeScript has no DOM types). */
interface BrowserWindow {
  localStorage: { getItem(key: string): string | null };
}

/**
 * Replaces the whole text of a Monaco editor the way a user pasting would, then waits until GraphiQL has
 * taken it in: it parses and stores an editor's text on debounced timers, which a busy machine delays
 * past the next click (the run button would then send the previous document).
 */
async function replaceEditorText(page: Page, editor: Locator, text: string, storageKey?: string): Promise<void> {
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
  if (storageKey === undefined) return;
  await page.waitForFunction(([key, value]) => (globalThis as unknown as BrowserWindow).localStorage.getItem(`graphiql:${key}`) === value, [storageKey, text] as const, { timeout: 30_000 });
}

/** Runs the query editor's operation, waits until the result pane shows `expected`, and returns the pane's text (Monaco renders spaces as U+00A0). */
async function runAndWaitFor(page: Page, expected: string): Promise<string> {
  await page.locator(".graphiql-execute-button").click();
  const result = page.locator(".graphiql-response .view-lines");
  // Generous: CI runs this beside the whole suite on two cores, where Chromium and the sign-up both slow down.
  await result.filter({ hasText: expected }).waitFor({ timeout: 60_000 }).catch(async (error: Error) => {
    const shown = await result.innerText().catch(() => "(no result pane)");
    throw new Error(`the result pane never showed ${expected}; it shows: ${shown}`, { cause: error });
  });
  return (await result.innerText()).replace(/\u00a0/g, " ");
}

describe("the GraphQL playground in a browser", () => {
  it("registers, sends the access token from the Headers tab and shows me, loading nothing from elsewhere", { timeout: 120_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const requested: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => void requested.push(request.url()));
    page.on("requestfailed", (request) => void problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
    page.on("pageerror", (error) => void problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });

    const response = await page.goto(`${server.url}/graphql`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'self'");

    const email = `ann-${randomUUID()}@example.com`;
    const queryEditor = page.locator(".graphiql-query-editor .monaco-editor");
    await queryEditor.waitFor();
    await replaceEditorText(
      page,
      queryEditor,
      `mutation { register(input: { email: "${email}", password: "correct horse battery staple", fullName: "Ann Example" }) { tokens { accessToken } userErrors { code message } } }`,
      "query",
    );
    const registered = await runAndWaitFor(page, "accessToken");
    // The result pane wraps long lines; a JWT has no whitespace of its own.
    const accessToken = /"accessToken":"([\w.-]+)"/.exec(registered.replace(/\s+/g, ""))?.[1];
    expect(accessToken, registered).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    await page.locator(".graphiql-editor-tools button", { hasText: "Headers" }).click();
    await replaceEditorText(page, page.locator(".graphiql-editor-tool .monaco-editor:visible"), `{"Authorization":"Bearer ${accessToken}"}`);
    // Headers are not stored in the browser: the query's stored text below comes after the headers' debounce.
    await page.keyboard.press("ControlOrMeta+Home");
    await replaceEditorText(page, queryEditor, "query { me { id email } }", "query");
    const me = await runAndWaitFor(page, email);
    expect(me).toContain(`"email": "${email}"`);

    await page.locator('button[aria-label="Show Documentation Explorer"]').click();
    await page.locator(".graphiql-doc-explorer", { hasText: "Root Types" }).waitFor();
    await mkdir("test-artifacts", { recursive: true });
    await page.screenshot({ path: screenshotPath });

    const origin = new URL(server.url).origin;
    const elsewhere = requested.filter((url) => /^(https?|wss?):/.test(url) && new URL(url).origin !== origin);
    expect(elsewhere).toEqual([]);
    const manifest = await builtPlaygroundManifest();
    const workers = manifest.files.filter((file) => file.includes(".worker-"));
    expect(workers).toHaveLength(3);
    for (const worker of workers) expect(requested).toContain(`${origin}/graphql/playground/${worker}`);
    expect(problems).toEqual([]);
    await page.close();
  });
});
