/**
 * What a slide claims, read from its markdown, so that a test can check every claim against
 * the project: the npm scripts it runs, the local URLs it opens, the settings it names, and the
 * measured figures it shows with the result files its notes name as their source.
 */
import type { Language } from "./deck";

/**
 * The ports a slide may open: the local cloud's defaults (serverless.yml), by server (named as
 * the test launcher names its ports).
 */
export const SLIDE_PORTS: Readonly<Record<number, "api" | "lambda" | "dashboard">> = {
  3000: "api",
  3002: "lambda",
  8000: "dashboard",
};

/** The npm scripts a text runs (`npm run doctor`, `npm run -s doctor`, `npm start`, `npm test`). */
export function npmScriptsNamed(text: string): string[] {
  return [
    ...text.matchAll(/\bnpm\s+(?:run(?:-script)?\s+(?:-\S+\s+)*([\w:.-]+)|(start|test)\b)/g),
  ].map(([, script, named]) => script ?? named ?? "");
}

export interface LocalUrl {
  port: number;
  /** The path, query dropped, e.g. "/dev/rng/32". */
  path: string;
}

/** Every http://127.0.0.1:PORT/path or localhost:PORT/path in a text. */
export function localUrls(text: string): LocalUrl[] {
  return [
    ...text.matchAll(/(?:https?:\/\/)?(?:127\.0\.0\.1|localhost):(\d{2,5})(\/[^\s`'"<>)\]|]*)?/g),
  ].map(([, port, path]) => ({
    port: Number(port),
    path: (path ?? "/").replace(/[.,;:]+$/, "").split("?")[0] || "/",
  }));
}

/** The settings (environment variables: `RNG_CONCURRENCY`, …) a text names. */
export function settingsNamed(text: string): string[] {
  return [...new Set(text.match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? [])];
}

/** The settings the README's Settings table documents (its first column). */
export function documentedSettings(readme: string): Set<string> {
  const section = readme.split(/^## Settings$/m)[1]?.split(/^## /m)[0] ?? "";
  const names = new Set<string>();
  for (const line of section.split("\n")) {
    const first = line.startsWith("|") ? line.split("|")[1] : undefined;
    for (const [, name] of first?.matchAll(/`([A-Z][A-Z0-9_]+)`/g) ?? []) names.add(name ?? "");
  }
  return names;
}

export interface Figure {
  /** As written on the slide, e.g. "9.58 hashes/s". */
  text: string;
  value: number;
  /** Decimals written: the file's value must round to the figure at this many. */
  decimals: number;
}

/** Units that mark a measured figure, in each language (a number before one is a figure). */
const FIGURE_UNITS: Record<Language, string> = {
  en: "hashes/s|calls/s|req/s|ms|MiB|cores|instances?|cold starts?|waits|timeouts?|throttles?|calls waiting",
  fr: "hashes/s|appels/s|req/s|ms|Mio|cœurs|instances?|démarrages? à froid|attentes|timeouts?|throttles?|appels en attente",
};
const DECIMAL_MARK: Record<Language, string> = { en: ".", fr: "," };

function withoutCode(markdown: string): string {
  return markdown.replace(/^\s*```[\s\S]*?^\s*```/gm, "").replace(/`[^`\n]*`/g, "");
}

/** The measured figures on a slide's visible content (code left out: commands are not figures). */
export function figuresOn(content: string, language: Language): Figure[] {
  const mark = DECIMAL_MARK[language] === "." ? "\\." : ",";
  const num = `\\d+(?:${mark}\\d+)?`;
  const pattern = new RegExp(
    `(?<![\\w.,])(${num})(?:\\s*[–-]\\s*(${num}))?\\s+(?:${FIGURE_UNITS[language]})(?![\\w])`,
    "g",
  );
  const figures: Figure[] = [];
  for (const match of withoutCode(content).replace(/\*\*/g, "").matchAll(pattern)) {
    for (const written of [match[1], match[2]]) {
      if (written === undefined) continue;
      const normal = written.replace(",", ".");
      figures.push({
        text: match[0],
        value: Number(normal),
        decimals: normal.includes(".") ? (normal.split(".")[1]?.length ?? 0) : 0,
      });
    }
  }
  return figures;
}

/** The bench/results files a slide's notes name as the source of its figures. */
export function sourcesNamed(notes: string): string[] {
  return [...new Set(notes.match(/bench\/results\/[\w.-]+\.json/g) ?? [])];
}

/** Every number in a parsed JSON document (strings left out). */
export function numbersIn(value: unknown): number[] {
  if (typeof value === "number") return [value];
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(numbersIn);
  return [];
}

/** True when one of `numbers`, rounded to the figure's decimals, is the figure. */
export function holdsFigure(numbers: readonly number[], figure: Figure): boolean {
  return numbers.some((n) => Number(n.toFixed(figure.decimals)) === figure.value);
}

/** Dollar amounts on a slide ($3.50, 0,89 $). */
export function dollarAmounts(content: string): number[] {
  return [...withoutCode(content).matchAll(/\$\s?(\d+(?:[.,]\d+)?)|(\d+(?:[.,]\d+)?)\s?\$/g)].map(
    ([, a, b]) => Number((a ?? b ?? "").replace(",", ".")),
  );
}
