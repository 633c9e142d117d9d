import { mkdir, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOOPBACK_ONLY } from "../../common/http-guard";
import { LANGUAGES, loadSlides } from "../../workshop/deck";
import { startSlidesServer } from "../../workshop/slides-server";
import { ARTIFACTS, collectErrors, gotoSlide, launchChromium } from "./support/browser";

// Every slide of the chapter, in both languages, as the room sees it: at 1280×720 in headless
// Chromium, through `npm run slides`' own server and the remark bundle it serves. A slide whose
// content does not fit, an image that does not load, a request that fails or a console error
// fails the test. Each slide's picture lands in test-results/e2e/slides/ to be looked at.
const VIEWPORT = { width: 1280, height: 720 };
const SHOTS = join(ARTIFACTS, "slides");

/** What is wrong with the slide on screen: overflow and images that did not load. */
interface SlideFaults {
  overflow: string[];
  brokenImages: string[];
  images: number;
}

function visibleSlideFaults(page: Page): Promise<SlideFaults> {
  return page.evaluate(() => {
    const scaler = document.querySelector<HTMLElement>(".remark-visible .remark-slide-scaler");
    const content = scaler?.querySelector<HTMLElement>(".remark-slide-content");
    if (!scaler || !content) return { overflow: ["no visible slide"], brokenImages: [], images: 0 };
    const overflow: string[] = [];
    // remark lays a slide out at the scaler's size and scales it; the content is a table cell,
    // which grows rather than clip, so a slide too full is a cell larger than its scaler.
    if (content.offsetHeight > scaler.offsetHeight + 1) {
      overflow.push(`content ${content.offsetHeight}px high in ${scaler.offsetHeight}px`);
    }
    if (content.offsetWidth > scaler.offsetWidth + 1) {
      overflow.push(`content ${content.offsetWidth}px wide in ${scaler.offsetWidth}px`);
    }
    const box = scaler.getBoundingClientRect();
    for (const element of Array.from(content.querySelectorAll<HTMLElement>("*"))) {
      const rect = element.getBoundingClientRect();
      const label = `${element.tagName.toLowerCase()} "${(element.textContent ?? "").trim().slice(0, 40)}"`;
      if (rect.width === 0 && rect.height === 0) continue;
      if (rect.right > box.right + 1 || rect.bottom > box.bottom + 1 || rect.left < box.left - 1) {
        overflow.push(`${label} leaves the slide`);
      } else if (element.scrollWidth > element.clientWidth + 1 && element.tagName === "PRE") {
        overflow.push(`${label} is cut: ${element.scrollWidth}px in ${element.clientWidth}px`);
      }
    }
    const images = Array.from(content.querySelectorAll("img"));
    const brokenImages = images
      .filter((image) => !image.complete || image.naturalWidth === 0)
      .map((image) => image.getAttribute("src") ?? "?");
    return { overflow, brokenImages, images: images.length };
  });
}

let server: Server;
let browser: Browser;
let base: string;

beforeAll(async () => {
  // Behind the shared guard, as `npm run slides` runs it: Chromium reaches it on 127.0.0.1.
  let slides: { server: Server; url: string };
  [slides, browser] = await Promise.all([startSlidesServer(0, LOOPBACK_ONLY), launchChromium()]);
  ({ server, url: base } = slides);
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe.each(LANGUAGES)("the %s deck at 1280×720", (language) => {
  it("shows every slide whole, with its images, and no error", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const errors = collectErrors(page);
    page.on("requestfailed", (request) => errors.push(`failed: ${request.url()}`));
    page.on("response", (response) => {
      if (response.status() >= 400) errors.push(`${response.status()}: ${response.url()}`);
    });
    await page.goto(`${base}/${language}/`);
    await page.waitForFunction(() => "slideshow" in window);
    const count = await page.evaluate(() =>
      (window as unknown as { slideshow: { getSlideCount(): number } }).slideshow.getSlideCount(),
    );
    expect(count, "slides in the deck = slides in the files").toBe(loadSlides(language).length);

    const faults: string[] = [];
    let images = 0;
    for (let number = 1; number <= count; number++) {
      await gotoSlide(page, number);
      // Images load after the slide shows: wait for them (a broken one counts as done).
      await page.waitForFunction(() =>
        Array.from(document.querySelectorAll(".remark-visible img")).every(
          (image) => (image as HTMLImageElement).complete,
        ),
      );
      const found = await visibleSlideFaults(page);
      images += found.images;
      const name = `${language}-${String(number).padStart(2, "0")}.png`;
      await writeFile(join(SHOTS, name), await page.screenshot());
      for (const problem of [...found.overflow, ...found.brokenImages.map((s) => `image ${s}`)]) {
        faults.push(`${language} slide ${number}: ${problem}`);
      }
    }
    expect(faults).toEqual([]);
    expect(images, "the decks show the dashboard's screenshots").toBeGreaterThanOrEqual(4);

    // Presenter mode (the `p` key) shows the slide's speaker notes, read from after its `???`.
    const first = loadSlides(language)[0];
    await gotoSlide(page, 1);
    await page.keyboard.press("p");
    expect(
      await page.evaluate(() => document.body.classList.contains("remark-presenter-mode")),
    ).toBe(true);
    const notes = await page.textContent(".remark-visible .remark-slide-notes");
    expect(notes?.replace(/\s+/g, " ")).toContain(first?.notes.split("\n")[0]?.slice(0, 40));
    expect(errors).toEqual([]);
    await page.close();
  });
});
