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
import { gotoSlide, launchChromium } from "./browser";

/** The slides pictured: the title, and the exercise that fixes the bottleneck. */
const PICTURES = [
  { file: "workshop-title.png", slide: (s: { file: string }) => s.file === "title.md" },
  { file: "workshop-exercise.png", slide: (s: { file: string }) => s.file === "fix.md" },
];

export async function main(): Promise<void> {
  const [{ server, url }, browser] = await Promise.all([
    startSlidesServer(0, LOOPBACK_ONLY),
    launchChromium(),
  ]);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${url}/en/`);
    await page.waitForFunction(() => "slideshow" in window);
    const slides = loadSlides("en");
    for (const picture of PICTURES) {
      const number = slides.find(picture.slide)?.number;
      if (number === undefined) throw new Error(`no slide for ${picture.file}`);
      await gotoSlide(page, number);
      const path = join(projectRoot, "docs", picture.file);
      await writeFile(path, await page.screenshot());
      console.log(`written: ${path} (slide ${number})`);
    }
  } finally {
    await browser.close();
    server.close();
  }
}
