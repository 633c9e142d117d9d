import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../functions/webui/site/src/config";
import { buildSite, deployedSiteConfig } from "./site-build";

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), "site-build-"));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("buildSite", () => {
  it("bundles the dashboard and uPlot into a few self-contained files under 100 KB gzipped", async () => {
    const out = await tempDir();
    const site = await buildSite(out);
    expect(site.files).toEqual(["app.js", "index.html", "style.css"]);
    expect((await readdir(out)).sort()).toEqual(site.files);
    expect(site.gzipBytes).toBeLessThan(100 * 1024);
    expect(site.bytes).toBeGreaterThan(site.gzipBytes);

    const html = await readFile(join(out, "index.html"), "utf8");
    const js = await readFile(join(out, "app.js"), "utf8");
    const css = await readFile(join(out, "style.css"), "utf8");
    // Works offline: the page references only its own files, and nothing is left unbundled.
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(references.sort()).toEqual(["app.js", "data:,", "style.css"]);
    expect(js).not.toMatch(/\brequire\(|^import /m);
    expect(js).toContain("u-legend"); // uPlot is inside the bundle
    expect(css).toContain(".uplot"); // and so is its stylesheet
    expect(css).not.toContain("@import");
  });

  it("writes config.json only when given, and removes one left by an earlier build", async () => {
    const out = await tempDir();
    await buildSite(out, { config: { apiBase: "https://api.example/prod" } });
    expect(JSON.parse(await readFile(join(out, "config.json"), "utf8"))).toEqual({
      apiBase: "https://api.example/prod",
    });
    await writeFile(join(out, "keep.txt"), "not ours");
    const site = await buildSite(out);
    expect(site.files).not.toContain("config.json");
    expect((await readdir(out)).sort()).toEqual(["app.js", "index.html", "keep.txt", "style.css"]);
  });

  it("tells a deployed page that its API serves GET /cloud", async () => {
    const out = await tempDir();
    await buildSite(out, { config: deployedSiteConfig("https://api.example/prod") });
    const written = JSON.parse(await readFile(join(out, "config.json"), "utf8"));
    expect(parseConfig(written)).toEqual({
      apiBase: "https://api.example/prod",
      cloudReport: true,
    });
  });
});
