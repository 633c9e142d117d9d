/**
 * Makes docs/cloud-panel.png, the README's picture of the Cloud panel: the real local cloud
 * with the workshop's settings (rng's concurrency 1), scaled from 1 to 10 workers through the
 * page's own form, after STEP_SECONDS more: rng stuck at one instance with calls waiting, the
 * workers' instances at ten. About 2 minutes:
 * `node common/run-ts.cjs tests/e2e/support/cloud-screenshot.ts`.
 */
import { join } from "node:path";
import { scriptSettings } from "../../../common/command-environment";
import { projectRoot } from "../../../common/project";
import { startLocalCloud } from "../../support/launcher";
import { launchChromium, scaleTo } from "./browser";

const SCALE_TOKEN = "docs-screenshot-scale-token";
const STEP_MS = scriptSettings().screenshotStepSeconds * 1000;

export async function main(): Promise<void> {
  const [cloud, browser] = await Promise.all([
    startLocalCloud({ WORKER_REPLICAS: "1", SCALE_TOKEN }),
    launchChromium(),
  ]);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 960 } });
    await page.goto(`${cloud.dashboardUrl}/`);
    await page.waitForSelector('#cloud[data-state="report"]', { timeout: 15_000 });
    await page.waitForTimeout(STEP_MS / 3);
    await page.fill("#token", SCALE_TOKEN);
    await scaleTo(page, 10);
    await page.fill("#token", "");
    await page.waitForTimeout(STEP_MS);
    await page.locator("#cloud").screenshot({ path: join(projectRoot, "docs", "cloud-panel.png") });
    console.log("wrote docs/cloud-panel.png");
  } finally {
    await browser.close();
    await cloud.stop();
  }
}
