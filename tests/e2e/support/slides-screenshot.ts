/**
 * Makes docs/workshop-title.png and docs/workshop-exercise.png, the README's pictures of the
 * workshop chapter: two slides of the English deck at 1280×720, as `npm run slides` shows them.
 * A few seconds: `node common/run-ts.cjs tests/e2e/support/slides-screenshot.ts`.
 */

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LOOPBACK_ONLY } from "../../../common/http-guard";
import { projectRoot } from "../../../common/project";
import { loadSlides } from "../../../workshop/deck";
import { startSlidesServer } from "../../../workshop/slides-server";
import { launchChromium } from "./browser";

/** The slides pictured: the title, and the exercise that fixes the bottleneck. */
const PICTURES = [
  { file: "workshop-title.png", slide: (s: { file: string }) => s.file === "title.md" },
  { file: "workshop-exercise.png", slide: (s: { file: string }) => s.file === "fix.md" },
];

export async function main(): Promise<void> {
  const [server, browser] = await Promise.all([
    startSlidesServer(0, LOOPBACK_ONLY),
    launchChromium(),
  ]);
  try {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`http://127.0.0.1:${address.port}/en/`);
    await page.waitForFunction(() => "slideshow" in window);
    const slides = loadSlides("en");
    for (const picture of PICTURES) {
      const number = slides.find(picture.slide)?.number;
      if (number === undefined) throw new Error(`no slide for ${picture.file}`);
      await page.evaluate(
        (n) =>
          (window as unknown as { slideshow: { gotoSlide(n: number): void } }).slideshow.gotoSlide(
            n,
          ),
        number,
      );
      const path = join(projectRoot, "docs", picture.file);
      await writeFile(path, await page.screenshot());
      console.log(`written: ${path} (slide ${number})`);
    }
  } finally {
    await browser.close();
    server.close();
  }
}
