/**
 * Makes docs/dashboard.png, the README's screenshot: the real local cloud mining for a few
 * minutes while the dashboard's own scale control goes 1 → 2 → 4 workers (rng serves one
 * request at a time, so 4 workers do not mine 4× and rng shows up as the slowest). Takes
 * about 5 minutes: `node common/run-ts.cjs tests/e2e/support/docs-screenshot.ts`.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { scriptSettings } from "../../../common/command-environment";
import { projectRoot } from "../../../common/project";
import { startLocalCloud } from "../../support/launcher";
import { ARTIFACTS, launchChromium, scaleTo } from "./browser";

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
    await page.fill("#token", SCALE_TOKEN);
    await page.waitForTimeout(STEP_MS);
    await scaleTo(page, 2);
    await page.waitForTimeout(STEP_MS);
    await scaleTo(page, 4);
    await page.waitForTimeout(STEP_MS);
    // The token field is a password field, but leave it empty in a published picture anyway.
    await page.fill("#token", "");
    await page.locator("#token").blur();
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 15_000 });
    await page.screenshot({ path: join(projectRoot, "docs", "dashboard.png"), fullPage: true });
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
    });
    await phone.goto(`${cloud.dashboardUrl}/`);
    await phone.waitForSelector('#connection[data-state="live"]');
    await phone.waitForTimeout(1_500);
    await phone.screenshot({ path: join(ARTIFACTS, "dashboard-phone.png"), fullPage: true });
    console.log("wrote docs/dashboard.png and test-results/e2e/dashboard-phone.png");
  } finally {
    await browser.close();
    await cloud.stop();
    // For when the picture shows something odd: what the cloud said meanwhile.
    await writeFile(join(ARTIFACTS, "docs-screenshot-cloud.log"), `${cloud.output.join("\n")}\n`);
  }
}
