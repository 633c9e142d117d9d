import { describe, expect, it } from "vitest";
import { type CheckResult, exitCode, formatReport, jsonReport, symbol } from "./report";

const check = (overrides: Partial<CheckResult>): CheckResult => ({
  id: "x",
  title: "x",
  status: "ok",
  optional: false,
  summary: "fine",
  ...overrides,
});

describe("report", () => {
  it("marks ✓ ok, ⚠ warn, ✗ a required failure, ○ an optional one", () => {
    expect(symbol(check({}))).toBe("✓");
    expect(symbol(check({ status: "warn" }))).toBe("⚠");
    expect(symbol(check({ status: "fail" }))).toBe("✗");
    expect(symbol(check({ status: "fail", optional: true }))).toBe("○");
  });

  it("exits 1 only for a required failure", () => {
    expect(exitCode([check({}), check({ status: "warn" })])).toBe(0);
    expect(exitCode([check({}), check({ status: "fail", optional: true })])).toBe(0);
    expect(exitCode([check({}), check({ status: "fail" })])).toBe(1);
  });

  it("prints one aligned line per check, with the fix, and a verdict", () => {
    const text = formatReport(
      [
        check({ title: "npm", summary: "11.19.1 at /usr/bin/npm" }),
        check({ title: "redis-server", status: "fail", summary: "missing", fix: "install it" }),
        check({
          title: "Docker",
          status: "fail",
          optional: true,
          summary: "none",
          fix: "start it",
        }),
      ],
      "Debian",
    );
    expect(text.split("\n")).toEqual([
      "doctor: what the README's commands need, on Debian",
      "✓ npm                11.19.1 at /usr/bin/npm",
      "✗ redis-server       missing → install it",
      "○ Docker (optional)  none → start it",
      "doctor: not ready: 1 required check failed (✗ above, with the fix)",
    ]);
    expect(
      formatReport([check({})], "macOS")
        .split("\n")
        .at(-1),
    ).toBe("doctor: ready: `npm start` and `npm test` can run");
  });

  it("gives scripts the same in JSON", () => {
    const checks = [check({ status: "warn" }), check({ status: "fail", optional: true })];
    expect(jsonReport(checks, "macOS")).toEqual({ ok: true, platform: "macOS", checks });
    expect(jsonReport([check({ status: "fail" })], "macOS").ok).toBe(false);
  });
});
