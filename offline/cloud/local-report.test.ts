import { describe, expect, it } from "vitest";
import { FIGURES, HISTORY_SECONDS } from "../../functions/shared/cloud-report";
import { FunctionWindow } from "./function-window";
import { localCloudReport, queueStates } from "./local-report";

const T0 = 1_800_000_000_000;

describe("the local cloud's report", () => {
  it("reports every figure, measured: nothing is left at a default", () => {
    const rng = new FunctionWindow();
    rng.count("coldStarts", T0);
    rng.begin(T0);
    rng.count("waits", T0 + 10);
    rng.end(T0 + 100, 100, "ok");
    rng.memory(T0 + 100, 40 * 2 ** 20);
    rng.memory(T0 + 200, 30 * 2 ** 20); // the largest of the window counts
    rng.count("outOfMemory", T0 + 300);
    const idle = new FunctionWindow();
    const report = localCloudReport(
      "dev",
      [
        {
          key: "rng",
          name: "dockercoins-dev-rng",
          limit: 1,
          memorySize: 256,
          instances: 1,
          waiting: 2,
          window: rng,
        },
        {
          key: "webui",
          name: "dockercoins-dev-webui",
          limit: undefined,
          memorySize: 128,
          instances: 0,
          waiting: 0,
          window: idle,
        },
      ],
      [
        {
          name: "tickets",
          visible: 3,
          inFlight: 2,
          oldestSentAt: T0 - 4_500,
          deadLetter: { name: "tickets-dlq", messages: 1 },
        },
        { name: "empty", visible: 0, inFlight: 0, oldestSentAt: null, deadLetter: null },
      ],
      T0 + 1_000,
    );
    expect(Object.keys(report.reported).sort()).toEqual([...FIGURES].sort());
    expect(Object.values(report.reported).every(Boolean)).toBe(true);
    const [r, w] = report.functions;
    expect(r).toMatchObject({
      key: "rng",
      instances: 1,
      busy: 0,
      waiting: 2,
      concurrencyLimit: 1,
      coldStarts: 1,
      coldStartsTotal: 1,
      waits: 1,
      throttles: 0,
      errors: 0,
      timeouts: 0,
      invocationsPerSecond: 0.2, // one call in the 5 complete seconds before now
      maxMemoryUsedMb: 40,
      memorySizeMb: 256,
      outOfMemory: 1,
    });
    expect(r?.durationP50Ms).toBeCloseTo(100, -1);
    // No limit is null, and a function that ran nothing has no durations: both are reported.
    expect(w).toMatchObject({ concurrencyLimit: null, durationP50Ms: null, coldStarts: 0 });
    // An idle function's instances reported no memory: none, not 0 MB.
    expect(w).toMatchObject({ maxMemoryUsedMb: null, memorySizeMb: 128, outOfMemory: 0 });
    expect(report.concurrency?.byFunction.rng).toHaveLength(HISTORY_SECONDS);
    expect(report.concurrency?.byFunction.rng?.slice(-2)).toEqual([1, 0]);
    expect(report.concurrency?.start).toBe(T0 / 1000 + 1 - HISTORY_SECONDS + 1);
    expect(report.queues).toEqual([
      {
        name: "tickets",
        visible: 3,
        inFlight: 2,
        oldestAgeSeconds: 5,
        deadLetter: { name: "tickets-dlq", messages: 1 },
      },
      { name: "empty", visible: 0, inFlight: 0, oldestAgeSeconds: null, deadLetter: null },
    ]);
  });
});

describe("queueStates", () => {
  it("puts each dead-letter queue beside its source queue, counting what it holds", () => {
    const queue = (name: string, dlq: string | null, visible = 0, inFlight = 0) => ({
      name,
      arn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
      visible,
      inFlight,
      oldestSentAt: null,
      deadLetterTargetArn: dlq === null ? null : `arn:aws:sqs:us-east-1:000000000000:${dlq}`,
    });
    expect(
      queueStates([
        queue("tickets-dlq", null, 1, 1),
        queue("tickets", "tickets-dlq", 4, 2),
        queue("other", null),
      ]),
    ).toEqual([
      {
        name: "tickets",
        visible: 4,
        inFlight: 2,
        oldestSentAt: null,
        deadLetter: { name: "tickets-dlq", messages: 2 },
      },
      { name: "other", visible: 0, inFlight: 0, oldestSentAt: null, deadLetter: null },
    ]);
  });
});
