import { describe, expect, it } from "vitest";
import {
  ageText,
  describeError,
  detailText,
  initialConnection,
  MAX_BACKOFF_MS,
  nextDelayMs,
  onFailure,
  onSuccess,
  REQUEST_TIMEOUT_MS,
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

  it("rides out a minute-long outage with a few requests, and is back within seconds", () => {
    // Simulated clock: the API hangs (each poll times out) from t=10 s to t=70 s.
    const down = (t: number) => t >= 10_000 && t < 70_000;
    let state = initialConnection();
    let t = 0;
    let sentWhileDown = 0;
    let backAt: number | null = null;
    while (t < 90_000) {
      const failed = down(t);
      const took = failed ? REQUEST_TIMEOUT_MS : 30;
      if (failed) sentWhileDown++;
      state = failed ? onFailure(state, "no answer in time") : onSuccess(state, t + took);
      if (!failed && t >= 70_000 && backAt === null) backAt = t + took;
      t += took + nextDelayMs(state, took);
    }
    expect(sentWhileDown).toBeGreaterThan(8);
    expect(sentWhileDown).toBeLessThanOrEqual(60_000 / REQUEST_TIMEOUT_MS);
    expect(backAt).not.toBeNull();
    expect((backAt ?? 0) - 70_000).toBeLessThanOrEqual(MAX_BACKOFF_MS);
    expect(state.status).toBe("live");
  });

  it("says 'connecting' until the first answer, then 'connection lost' on failures", () => {
    expect(statusText(initialConnection())).toBe("○ Connecting…");
    expect(detailText(initialConnection(), 0, 1_000)).toBe("");
    const first = onFailure(initialConnection(), "the API answered HTTP 502");
    expect(first.status).toBe("connecting");
    expect(statusText(first)).toBe("○ Connecting…");
    expect(detailText(first, 0, 2_000)).toBe(
      "retrying in 2 s · last error: the API answered HTTP 502",
    );
    const lost = onFailure(onSuccess(first, 10_000), "no answer in time");
    expect(lost.status).toBe("reconnecting");
    expect(statusText(lost)).toBe("⚠ Connection lost — reconnecting");
    expect(detailText(lost, 73_000, 400)).toBe(
      "retrying in 1 s · last update 1 min 3 s ago · last error: no answer in time",
    );
    const back = onSuccess(lost, 74_000);
    expect(statusText(back)).toBe("● Live");
    expect(detailText(back, 74_000, 1_000)).toBe("");
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
