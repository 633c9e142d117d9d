import { classify, Palette } from "./format";
import { StreakFolding } from "./streaks";

type Write = typeof process.stdout.write;

/**
 * Owns the terminal while the local cloud runs: every line written to stdout or stderr (by
 * serverless, serverless-offline, the functions' worker threads, our components) is prefixed
 * with its source. Functions are recognised by their structured log lines; anything else is
 * attributed to "offline".
 */
export class LogRouter {
  private readonly palette: Palette;
  private readonly originals: { out: Write; err: Write };
  private installed = false;
  private readonly streaks = new StreakFolding();

  constructor(useColour: boolean) {
    this.palette = new Palette(useColour);
    this.originals = {
      out: process.stdout.write.bind(process.stdout),
      err: process.stderr.write.bind(process.stderr),
    };
  }

  /** A logger for one component: each call prints one prefixed line. */
  channel(source: string): (line: string) => void {
    return (line) => {
      for (const part of line.split("\n")) this.emit(source, part, this.originals.out);
    };
  }

  install(): void {
    if (this.installed) return;
    this.installed = true;
    process.stdout.write = this.intercept(this.originals.out);
    process.stderr.write = this.intercept(this.originals.err);
  }

  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    process.stdout.write = this.originals.out;
    process.stderr.write = this.originals.err;
  }

  private emit(fallbackSource: string, rawLine: string, write: Write): void {
    const formatted = classify(rawLine, fallbackSource);
    if (formatted?.streak && !this.streaks.admit(formatted.source, formatted.streak)) return;
    if (formatted) write(`${this.palette.prefix(formatted.source)} ${formatted.text}\n`);
  }

  private intercept(write: Write): Write {
    let partial = "";
    const intercepted = (
      chunk: unknown,
      encodingOrCallback?: unknown,
      callback?: unknown,
    ): boolean => {
      const text =
        typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) this.emit("offline", line, write);
      const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
      if (typeof done === "function") process.nextTick(done as () => void);
      return true;
    };
    return intercepted as Write;
  }
}
