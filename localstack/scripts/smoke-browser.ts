/**
 * The dashboard as a user sees it: headless Chromium opens the S3 website, the page reads its
 * config.json and polls the API on LocalStack, and shows a live mining speed. The website's
 * host name (*.localhost.localstack.cloud) needs public DNS, which this machine may lack:
 * Chromium maps it to the endpoint's address itself (--host-resolver-rules), so the page is
 * loaded from the same origin a user opens. Its Cloud panel must show a report (GET /cloud of the
 * API), with rng's instances counted in host mode.
 */
import { launchChromium } from "../../common/browser/chromium";
import { SmokeCheckError } from "./smoke-checks";

export interface BrowserCheck {
  speed: number;
  /** /json polls the page sent to the API. */
  polls: number;
  /** The Cloud panel's rng row, as shown (instances, busy, limit, calls/s…). */
  rngRow: string;
}

const LIVE_WITHIN_MS = 30_000;
/** The page's "current mining speed" is a number above 0. */
const SPEED_SHOWN = `Number((document.querySelector("#speed")?.textContent ?? "").replace(/,/g, "")) > 0`;
const RNG_ROW = `Array.from(document.querySelector('#cloud-rows tr[data-function="rng"]')?.children ?? [], (cell) => (cell.textContent ?? "").trim()).join(" | ")`;
/** The Cloud panel's rng row shows a count of instances (host mode reports them). */
const RNG_INSTANCES_SHOWN = `/^[0-9]/.test(document.querySelector('#cloud-rows tr[data-function="rng"]')?.children[1]?.textContent ?? "")`;

export async function checkDashboard(
  siteUrl: string,
  apiBase: string,
  endpoint: string,
  cloud: { instancesReported: boolean; screenshot?: string },
): Promise<BrowserCheck> {
  const address = new URL(endpoint).hostname;
  const browser = await launchChromium([
    `--host-resolver-rules=MAP *.localhost.localstack.cloud ${address}`,
  ]);
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    let polls = 0;
    page.on("requestfinished", (request) => {
      if (request.url() === `${apiBase}/json`) polls += 1;
    });
    await page.goto(siteUrl, { timeout: LIVE_WITHIN_MS });
    try {
      await page.waitForSelector('#connection[data-state="live"]', { timeout: LIVE_WITHIN_MS });
      // A string, evaluated in the page: this project's tsconfig has no DOM types.
      await page.waitForFunction(SPEED_SHOWN, undefined, { timeout: LIVE_WITHIN_MS });
    } catch (err) {
      const state = await page.getAttribute("#connection", "data-state").catch(() => null);
      throw new SmokeCheckError(
        `dashboard at ${siteUrl}: no live speed (connection ${state}, ${polls} polls of ${apiBase}/json` +
          `${errors.length > 0 ? `, page errors: ${errors.join("; ")}` : ""}): ${(err as Error).message.split("\n")[0]}`,
      );
    }
    const speed = Number(((await page.textContent("#speed")) ?? "").replace(/,/g, ""));
    if (polls === 0) throw new SmokeCheckError(`dashboard: the page never polled ${apiBase}/json`);
    // The Cloud panel reads GET /cloud from the API (config.json's cloudReport).
    try {
      await page.waitForSelector('#cloud[data-state="report"]', { timeout: LIVE_WITHIN_MS });
      if (cloud.instancesReported) {
        await page.waitForFunction(RNG_INSTANCES_SHOWN, undefined, { timeout: LIVE_WITHIN_MS });
      }
    } catch (err) {
      const state = await page.getAttribute("#cloud", "data-state").catch(() => null);
      throw new SmokeCheckError(
        `dashboard: the Cloud panel shows no report (state ${state}): ${(err as Error).message.split("\n")[0]}`,
      );
    }
    if (cloud.screenshot) await page.locator("#cloud").screenshot({ path: cloud.screenshot });
    const rngRow = String(await page.evaluate(RNG_ROW));
    if (errors.length > 0)
      throw new SmokeCheckError(`dashboard: page errors: ${errors.join("; ")}`);
    return { speed, polls, rngRow };
  } finally {
    await browser.close();
  }
}
