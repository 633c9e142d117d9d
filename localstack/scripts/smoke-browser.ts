/**
 * The dashboard as a user sees it: headless Chromium opens the S3 website, the page reads its
 * config.json and polls the API on LocalStack, and shows a live mining speed. The website's
 * host name (*.localhost.localstack.cloud) needs public DNS, which this machine may lack:
 * Chromium maps it to the endpoint's address itself (--host-resolver-rules), so the page is
 * loaded from the same origin a user opens.
 */
import { launchChromium } from "../../common/browser/chromium";
import { SmokeCheckError } from "./smoke-checks";

export interface BrowserCheck {
  speed: number;
  /** /json polls the page sent to the API. */
  polls: number;
}

const LIVE_WITHIN_MS = 30_000;
/** The page's "current mining speed" is a number above 0. */
const SPEED_SHOWN = `Number((document.querySelector("#speed")?.textContent ?? "").replace(/,/g, "")) > 0`;

export async function checkDashboard(
  siteUrl: string,
  apiBase: string,
  endpoint: string,
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
    return { speed, polls };
  } finally {
    await browser.close();
  }
}
