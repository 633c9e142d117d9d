import { describe, expect, it } from "vitest";
import {
  ageText,
  describeError,
  initialConnection,
  MAX_BACKOFF_MS,
  nextDelayMs,
  onFailure,
  onSuccess,
  statusText,
} from "./connection";

describe("the poll loop's connection state", () => {
  it("polls once a second while live, counting the request's own time", () => {
    const live = onSuccess(initialConnection(), 1_000);
    expect(live.status).toBe("live");
    expect(nextDelayMs(live, 120)).toBe(880);
    // A slow answer is followed at once by the next poll, never by two at a time.
    expect(nextDelayMs(live, 2_500)).toBe(0);
  });

  it("backs off while the API is down, to at most a few seconds, then recovers", () => {
    let state = onSuccess(initialConnection(), 0);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      state = onFailure(state, "no answer in time");
      delays.push(nextDelayMs(state, 0));
    }
    expect(state.status).toBe("reconnecting");
    expect(delays).toEqual([1000, 2000, 4000, 5000, 5000, 5000, 5000, 5000]);
    expect(Math.max(...delays)).toBe(MAX_BACKOFF_MS);
    // A timed-out request already waited: the retry comes sooner.
    expect(nextDelayMs(state, 2_500)).toBe(2_500);
    state = onSuccess(state, 60_000);
    expect(state).toEqual({ status: "live", failures: 0, lastOkAt: 60_000, lastError: null });
  });

  it("says 'connecting' until the first answer, then 'connection lost' on failures", () => {
    const first = onFailure(initialConnection(), "HTTP 502");
    expect(first.status).toBe("connecting");
    expect(statusText(first, 0, 2_000)).toBe("○ Connecting… (retrying in 2 s)");
    const lost = onFailure(onSuccess(first, 10_000), "no answer in time");
    expect(lost.status).toBe("reconnecting");
    expect(statusText(lost, 73_000, 400)).toBe(
      "⚠ Connection lost — reconnecting (retrying in 1 s, last update 1 min 3 s ago)",
    );
    expect(statusText(onSuccess(lost, 0), 0, 0)).toBe("● Live");
    expect(statusText(initialConnection(), 0, 0)).toBe("○ Connecting…");
  });

  it("puts ages and errors in words", () => {
    expect(ageText(4_400)).toBe("4 s ago");
    expect(ageText(-5)).toBe("0 s ago");
    expect(describeError(new DOMException("signal timed out", "TimeoutError"))).toBe(
      "no answer in time",
    );
    expect(describeError(new TypeError("Failed to fetch"))).toBe("Failed to fetch");
    expect(describeError("odd")).toBe("odd");
  });
});
