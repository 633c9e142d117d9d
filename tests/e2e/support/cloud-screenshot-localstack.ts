/**
 * Makes docs/cloud-panel-localstack.png: the Cloud panel of the `local` stage on LocalStack in
 * host mode, rng's concurrency 1, after scaling to 10 workers through the page's own form and
 * STEP_SECONDS more: rng at one instance with calls refused (throttles), the workers at ten
 * instances. Needs a deployed stage: `npm run localstack:up && npm run deploy:local`, then
 * `node common/run-ts.cjs tests/e2e/support/cloud-screenshot-localstack.ts`.
 */
import { join } from "node:path";
import {
  localStackSettings,
  localStackTokens,
  scriptSettings,
} from "../../../common/command-environment";
import { projectRoot } from "../../../common/project";
import { runningTarget } from "../../../localstack/scripts/mode";
import { localStackEndpoint, pathStyleSiteUrl } from "../../../localstack/scripts/stack";
import { launchChromium, scaleTo } from "./browser";

const STEP_MS = scriptSettings().screenshotStepSeconds * 1000;
const OUT = join(projectRoot, "docs", "cloud-panel-localstack.png");

export async function main(): Promise<void> {
  const { endpoint } = await runningTarget(localStackSettings(), localStackEndpoint());
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 960 } });
    await page.goto(pathStyleSiteUrl(endpoint));
    await page.waitForSelector('#cloud[data-state="report"]', { timeout: 30_000 });
    await page.fill("#token", localStackTokens().scaleToken);
    await scaleTo(page, 10);
    await page.fill("#token", "");
    await page.waitForTimeout(STEP_MS);
    await page.locator("#cloud").screenshot({ path: OUT });
    console.log(`wrote ${OUT}`);
  } finally {
    await browser.close();
  }
}
