/**
 * The workshop chapter: its slide files, in the order an instructor presents them, the same in
 * every language. Each file holds slides in the container-training decks' markdown (remark's
 * format): `---` between slides, `???` before a slide's speaker notes, `class: title`,
 * `.exercise[ ]`. A deck is its files joined by `---`, as the training's build joins its
 * chapters, so any of these files can be dropped into one of its decks.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../common/project";

export const LANGUAGES = ["en", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];

/** The chapter, in order. tokens.md and break-a-function.md follow the issues that change them. */
export const CHAPTER_FILES = [
  "title.md",
  "sample-app.md",
  "getting-started.md",
  "tokens.md",
  "code-layout.md",
  "dashboard.md",
  "scaling.md",
  "bottleneck.md",
  "fix.md",
  "serverless-lessons.md",
  "break-a-function.md",
  "localstack.md",
  "cost.md",
  "recap.md",
] as const;

export const WORKSHOP_DIR = join(projectRoot, "workshop");

export interface Slide {
  /** The slide file it comes from, e.g. "scaling.md". */
  file: string;
  /** Its number in the deck, from 1, as the presenter counts (one per `---`). */
  number: number;
  /** What the room sees: the markdown before `???`, properties (`class: …`) included. */
  content: string;
  /** The speaker notes: the markdown after `???` ("" without any). */
  notes: string;
}

export function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

function slideFilePath(language: Language, file: string): string {
  return join(WORKSHOP_DIR, language, file);
}

/** A file's slides: split on lines that are exactly `---` (remark's separator; `--` is a step). */
function splitSlides(markdown: string): { content: string; notes: string }[] {
  const slides: { content: string; notes: string }[] = [];
  let current: string[] = [];
  let inFence = false;
  const flush = () => {
    const text = current.join("\n");
    const notesAt = text.search(/^\?\?\?$/m);
    slides.push(
      notesAt < 0
        ? { content: text.trim(), notes: "" }
        : { content: text.slice(0, notesAt).trim(), notes: text.slice(notesAt + 3).trim() },
    );
    current = [];
  };
  for (const line of markdown.replace(/\r\n/g, "\n").split("\n")) {
    if (line.trimStart().startsWith("```")) inFence = !inFence;
    if (!inFence && line === "---") flush();
    else current.push(line);
  }
  flush();
  return slides;
}

/** Every slide of a language's deck, numbered as the presenter shows them. */
export function loadSlides(language: Language): Slide[] {
  const slides: Slide[] = [];
  for (const file of CHAPTER_FILES) {
    const markdown = readFileSync(slideFilePath(language, file), "utf8");
    for (const { content, notes } of splitSlides(markdown)) {
      slides.push({ file, number: slides.length + 1, content, notes });
    }
  }
  return slides;
}

/** The deck's markdown, as remark reads it: the files joined by `---`. */
export function deckMarkdown(language: Language): string {
  return CHAPTER_FILES.map((file) => readFileSync(slideFilePath(language, file), "utf8").trim())
    .join("\n\n---\n\n")
    .concat("\n");
}
