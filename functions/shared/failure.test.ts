import { describe, expect, it } from "vitest";
import { failureText, MAX_CAUSE_CHARS, summariseFailure } from "./failure";
import { FailureStreak } from "./failure-streak";

/** What @upstash/redis throws when the REST endpoint answers an error: the request included. */
class UpstashError extends Error {
  override name = "UpstashError";
}
const pipeline = Array.from({ length: 634 }, (_, i) => ["hgetall", `latency:rng:s:${i}`]);

describe("summariseFailure", () => {
  it("keeps the cause and counts the commands of an Upstash error, never lists them", () => {
    const err = new UpstashError(
      `Redis is unavailable: connect ECONNREFUSED, command was: ${JSON.stringify(pipeline)}`,
    );
    expect(err.message.length).toBeGreaterThan(20_000);
    expect(summariseFailure(err)).toEqual({
      name: "UpstashError",
      cause: "Redis is unavailable: connect ECONNREFUSED",
      commands: 634,
    });
    expect(failureText(err)).toBe("Redis is unavailable: connect ECONNREFUSED (634 commands)");
  });

  it("counts a single command as one", () => {
    const err = new UpstashError(`Redis is unavailable, command was: ["get","hashes"]`);
    expect(failureText(err)).toBe("Redis is unavailable (1 command)");
  });

  it("names the network reason that fetch keeps in its cause", () => {
    const err = new TypeError("fetch failed", {
      cause: new Error("connect ECONNREFUSED 127.0.0.1:8079"),
    });
    expect(failureText(err)).toBe("fetch failed (connect ECONNREFUSED 127.0.0.1:8079)");
  });

  it("cuts a long cause", () => {
    const { cause } = summariseFailure(new Error("x".repeat(5_000)));
    expect(cause).toHaveLength(MAX_CAUSE_CHARS);
    expect(cause.endsWith("…")).toBe(true);
  });

  it("describes what is not an Error", () => {
    expect(summariseFailure("boom")).toEqual({ name: "Error", cause: "boom" });
  });
});

describe("FailureStreak", () => {
  it("logs the first failure and the recovery of each streak, nothing in between", () => {
    const lines: string[] = [];
    const marks: unknown[] = [];
    const streak = new FailureStreak(
      {
        first: (err, fields) => {
          lines.push(`first: ${(err as Error).message}`);
          marks.push(fields);
        },
        recovered: (n, fields) => {
          lines.push(`recovered after ${n}`);
          marks.push(fields);
        },
      },
      "redis",
      "i-1",
    );
    streak.succeeded();
    for (let i = 1; i <= 5; i++) expect(streak.failed(new Error(`e${i}`))).toBe(i);
    expect(streak.inStreak).toBe(true);
    streak.succeeded();
    streak.succeeded();
    streak.failed(new Error("again"), (err) => lines.push(`worded: ${(err as Error).message}`));
    streak.failed(new Error("quiet"));
    expect(lines).toEqual(["first: e1", "recovered after 5", "worded: again"]);
    expect(marks).toEqual([
      { streak: { name: "redis", phase: "start" }, instance: "i-1" },
      { streak: { name: "redis", phase: "end" }, instance: "i-1" },
    ]);
  });
});
