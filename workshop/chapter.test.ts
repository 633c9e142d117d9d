/**
 * Nothing on a slide is untested: every npm script a slide runs exists, every setting it names
 * is documented, every measured figure names its source file in the notes and that file holds
 * it, every dollar amount is the cost model's, and both languages have the same slides. (The
 * URLs' paths are checked against a started local cloud: tests/integration/workshop-urls.test.ts.)
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../common/project";
import { roomDayCost } from "./cost-model";
import { CHAPTER_FILES, LANGUAGES, type Language, loadSlides, type Slide } from "./deck";
import {
  documentedSettings,
  dollarAmounts,
  figuresOn,
  holdsFigure,
  localUrls,
  npmScriptsNamed,
  numbersIn,
  SLIDE_PORTS,
  settingsNamed,
  sourcesNamed,
} from "./slide-claims";
import { IMAGE_DIRS } from "./slides-server";

const packageJson = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};
const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
const decks = new Map<Language, Slide[]>(
  LANGUAGES.map((language) => [language, loadSlides(language)]),
);
const slidesOf = (language: Language): Slide[] => decks.get(language) ?? [];
const where = (language: string, slide: { file: string; number: number }) =>
  `${language}/${slide.file} (slide ${slide.number})`;

describe("reading a slide's claims", () => {
  it("finds npm scripts, URLs and settings", () => {
    const text =
      "`npm start`, npm run -s doctor -- --json, `npm run scale -- 3`, npm test\n" +
      "curl -s http://127.0.0.1:8000/json | jq; open localhost:3000/dev/rng/32. RNG_CONCURRENCY=10";
    expect(npmScriptsNamed(text).sort()).toEqual(["doctor", "scale", "start", "test"]);
    expect(localUrls(text)).toEqual([
      { port: 8000, path: "/json" },
      { port: 3000, path: "/dev/rng/32" },
    ]);
    expect(settingsNamed(text)).toEqual(["RNG_CONCURRENCY"]);
  });

  it("finds figures by their units, ranges and French decimals included, code left out", () => {
    const en = figuresOn("About **31.7–32.3 hashes/s**, 7–8 instances; `sleep 100 ms`", "en");
    expect(en.map((f) => [f.value, f.decimals])).toEqual([
      [31.7, 1],
      [32.3, 1],
      [7, 0],
      [8, 0],
    ]);
    expect(
      figuresOn("environ **9,58 hashes/s** et 447 attentes", "fr").map((f) => f.value),
    ).toEqual([9.58, 447]);
    expect(figuresOn("one loop every 0.3 s, ten workers", "en")).toEqual([]);
    expect(figuresOn("- run:\n  ```bash\n  time curl # 841 ms\n  ```\n", "en")).toEqual([]);
  });

  it("holds a figure only when a number of the file rounds to it", () => {
    const numbers = numbersIn({ a: [790.66, { b: 3.17 }], c: "9.58" });
    expect(holdsFigure(numbers, { text: "", value: 791, decimals: 0 })).toBe(true);
    expect(holdsFigure(numbers, { text: "", value: 3.17, decimals: 2 })).toBe(true);
    expect(holdsFigure(numbers, { text: "", value: 3.2, decimals: 1 })).toBe(true);
    expect(holdsFigure(numbers, { text: "", value: 9.58, decimals: 2 })).toBe(false);
  });

  it("reads the README's settings table", () => {
    const names = documentedSettings(readme);
    expect(names.has("RNG_CONCURRENCY")).toBe(true);
    expect(names.has("LAMBDA_PORT")).toBe(true);
    expect(names.has("NOT_A_SETTING")).toBe(false);
  });
});

describe("the chapter", () => {
  it("has the same slides in French and in English, file by file", () => {
    for (const file of CHAPTER_FILES) {
      const counts = LANGUAGES.map(
        (language) => slidesOf(language).filter((slide) => slide.file === file).length,
      );
      expect(new Set(counts).size, `${file}: slides per language ${counts}`).toBe(1);
    }
    for (const slides of decks.values()) {
      expect(slides.every((s) => /^(class: title|# )/m.test(s.content))).toBe(true);
    }
  });

  it.each(LANGUAGES)("%s: runs only npm scripts that exist", (language) => {
    const slides = slidesOf(language);
    const named = slides.flatMap((s) =>
      npmScriptsNamed(`${s.content}\n${s.notes}`).map((name) => ({ name, at: where(language, s) })),
    );
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter(({ name }) => !(name in packageJson.scripts))).toEqual([]);
  });

  it.each(LANGUAGES)("%s: names only documented settings", (language) => {
    const documented = documentedSettings(readme);
    const slides = slidesOf(language);
    const named = slides.flatMap((s) =>
      settingsNamed(`${s.content}\n${s.notes}`).map((name) => ({ name, at: where(language, s) })),
    );
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter(({ name }) => !documented.has(name))).toEqual([]);
  });

  it.each(LANGUAGES)("%s: opens only the local cloud's ports", (language) => {
    const slides = slidesOf(language);
    const urls = slides.flatMap((s) => localUrls(`${s.content}\n${s.notes}`));
    expect(urls.length).toBeGreaterThan(3);
    expect(urls.filter(({ port }) => SLIDE_PORTS[port] === undefined)).toEqual([]);
  });

  it.each(LANGUAGES)(
    "%s: shows only figures held by the result files its notes name",
    (language) => {
      const slides = slidesOf(language);
      const unsourced: string[] = [];
      let checked = 0;
      for (const slide of slides) {
        const figures = figuresOn(slide.content, language);
        if (figures.length === 0) continue;
        const sources = sourcesNamed(slide.notes);
        const missing = sources.filter((file) => !existsSync(join(projectRoot, file)));
        expect(missing, `${where(language, slide)}: sources that do not exist`).toEqual([]);
        const numbers = sources.flatMap((file) =>
          numbersIn(JSON.parse(readFileSync(join(projectRoot, file), "utf8"))),
        );
        for (const figure of figures) {
          checked++;
          if (!holdsFigure(numbers, figure)) {
            unsourced.push(`${where(language, slide)}: "${figure.text}" in none of [${sources}]`);
          }
        }
      }
      expect(unsourced).toEqual([]);
      expect(checked, "figures checked").toBeGreaterThan(20);
    },
  );

  it.each(LANGUAGES)("%s: shows only the cost model's dollar amounts and prices", (language) => {
    const slides = slidesOf(language);
    const model = roomDayCost();
    const shown = new Set(model.shown);
    const amounts = slides.flatMap((s) =>
      dollarAmounts(s.content).map((amount) => ({ amount, at: where(language, s) })),
    );
    expect(amounts.length).toBeGreaterThan(4);
    expect(amounts.filter(({ amount }) => !shown.has(amount))).toEqual([]);
  });

  it.each(LANGUAGES)("%s: shows only images that exist", (language) => {
    const slides = slidesOf(language);
    const images = slides.flatMap((s) => [...s.content.matchAll(/\]\(images\/([\w.-]+)\)/g)]);
    expect(images.length).toBeGreaterThanOrEqual(4);
    for (const [, name] of images) {
      const found = IMAGE_DIRS.some((dir) => existsSync(join(dir, name ?? "")));
      expect(found, `images/${name}`).toBe(true);
    }
  });
});
