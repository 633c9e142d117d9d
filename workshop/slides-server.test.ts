import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { LOOPBACK_ONLY } from "../common/http-guard";
import { rawRequest } from "../tests/support/raw-http";
import { startSlidesServer } from "./slides-server";

let server: Server | undefined;

async function serve(): Promise<string> {
  const started = await startSlidesServer(0, LOOPBACK_ONLY);
  server = started.server;
  return started.url;
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe("the slides server", () => {
  it("serves each deck with the markdown in the page, remark and its CSP, on 127.0.0.1", async () => {
    const base = await serve();
    expect(server?.address()).toMatchObject({ address: "127.0.0.1" });
    for (const [language, title] of [
      ["en", "# Our sample application, serverless"],
      ["fr", "# Notre application exemple, version serverless"],
    ]) {
      const res = await fetch(`${base}/${language}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
      const page = await res.text();
      expect(page).toContain(`<html lang="${language}">`);
      expect(page).toContain(title);
      expect(page).not.toMatch(/<script[^>]*src="https?:/);
    }
    const remark = await fetch(`${base}/presenter/remark.min.js`);
    expect(remark.status).toBe(200);
    expect((await remark.text()).length).toBeGreaterThan(100_000);
  });

  it("escapes the markdown, so a slide cannot close its textarea", async () => {
    const page = await (await fetch(`${await serve()}/en/`)).text();
    const source = page.slice(page.indexOf('<textarea id="source">'), page.indexOf("</textarea>"));
    expect(source).toContain("&lt;repository&gt;");
    expect(source).not.toContain("<repository>");
  });

  it("serves the chapter's pictures and docs' screenshots, nothing else", async () => {
    const base = await serve();
    const svg = await fetch(`${base}/en/images/containers-to-functions.svg`);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    const png = await fetch(`${base}/fr/images/dashboard.png`);
    expect(png.headers.get("content-type")).toBe("image/png");
    for (const path of [
      "/en/images/..%2Freliability.md",
      "/en/images/../../package.json",
      "/en/images/reliability.md",
      "/de/",
      "/workshop/deck.ts",
    ]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: string }).error).toContain("/en/");
    }
  });

  it("redirects /fr to /fr/ and refuses anything but GET with a JSON message", async () => {
    const base = await serve();
    const redirect = await fetch(`${base}/fr`, { redirect: "manual" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe("/fr/");
    const post = await fetch(`${base}/en/`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(((await post.json()) as { error: string }).error).toContain("read-only");
  });

  it("meets the shared guard first: a rebinding Host or a foreign page gets 403, loopback names get in", async () => {
    const base = await serve();
    const port = new URL(base).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      expect((await rawRequest(`${base}/en/`, { headers: { host } })).status, host).toBe(200);
    }
    const refused = await rawRequest(`${base}/en/`, { headers: { host: `evil.example:${port}` } });
    expect(refused.status).toBe(403);
    expect(String(refused.json?.error)).toContain("LOCAL_ALLOWED_HOSTS");
    const foreign = await fetch(`${base}/en/`, { headers: { origin: "http://evil.example" } });
    expect(foreign.status).toBe(403);
  });
});
