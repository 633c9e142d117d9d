/**
 * The local SQS event source mapping against a real fauxqs: delivery, deletion, batching,
 * partial batch failures, redrive to the DLQ and concurrency. Stopping and emulator restarts
 * are in sqs-poller-lifecycle.test.ts.
 */
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { EMULATOR_REGION } from "../../offline/sqs/emulator";
import { credentials, recorder, slowFunction, useSqsRig, waitFor } from "../support/sqs-rig";

const rig = useSqsRig();

describe("SQS poller (local event source mapping) on fauxqs", () => {
  it("delivers a message as a Lambda SQS event and deletes it afterwards", async () => {
    const { queue } = await rig.makeQueues();
    // Queue URLs are loopback URLs: a client without an explicit endpoint can use them too.
    expect(queue.url).toBe(`${rig.emulator().endpoint}/000000000000/${queue.name}`);
    // (The SDK's warning that it uses the queue URL's host is the point here, so it is muted.)
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const plainClient = new SQSClient({ region: EMULATOR_REGION, credentials, logger: quiet });
    await plainClient.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"coins":1}',
        MessageAttributes: { kind: { DataType: "String", StringValue: "coin" } },
      }),
    );
    plainClient.destroy();
    const fn = recorder();
    rig.poll(queue, fn.invoke);

    await waitFor("the invocation", () => fn.events.length === 1);
    await waitFor("the deletion", () => rig.isEmpty(queue.url));
    const record = fn.events[0]?.Records[0];
    expect(record).toMatchObject({
      body: '{"coins":1}',
      eventSource: "aws:sqs",
      eventSourceARN: queue.arn,
      awsRegion: "us-east-1",
      attributes: { ApproximateReceiveCount: "1", SenderId: expect.any(String) },
      messageAttributes: {
        kind: { stringValue: "coin", dataType: "String", stringListValues: [] },
      },
    });
    expect(queue.arn).toBe(`arn:aws:sqs:us-east-1:000000000000:${queue.name}`);
  });

  it("honours batchSize", async () => {
    const { queue } = await rig.makeQueues();
    await rig.sendAll(queue.url, ["1", "2", "3", "4", "5"]);
    const fn = recorder();
    rig.poll(queue, fn.invoke, { batchSize: 2 });

    await waitFor("all five messages", () => fn.bodies().length === 5);
    expect(fn.events.map((e) => e.Records.length)).toEqual([2, 2, 1]);
    await waitFor("the deletions", () => rig.isEmpty(queue.url));
  });

  it("redelivers only the messages listed in batchItemFailures", async () => {
    const { queue } = await rig.makeQueues();
    await rig.sendAll(queue.url, ["keep", "retry"]);
    const fn = recorder((event) => ({
      ok: true,
      response: {
        batchItemFailures: event.Records.filter(
          (r) => r.body === "retry" && r.attributes.ApproximateReceiveCount === "1",
        ).map((r) => ({ itemIdentifier: r.messageId })),
      },
    }));
    rig.poll(queue, fn.invoke, { reportBatchItemFailures: true });

    await waitFor("the redelivery", () => fn.bodies().length === 3);
    await waitFor("the deletions", () => rig.isEmpty(queue.url));
    expect(fn.events[0]?.Records.map((r) => r.body)).toEqual(["keep", "retry"]);
    expect(fn.events[1]?.Records).toMatchObject([
      { body: "retry", attributes: { ApproximateReceiveCount: "2" } },
    ]);
  });

  it("moves a message whose invocation always fails to the DLQ after maxReceiveCount", async () => {
    const { queue, dlq } = await rig.makeQueues();
    const lines: string[] = [];
    const fn = recorder(() => ({ ok: false, error: "boom" }));
    rig.poll(queue, fn.invoke, { log: (line) => lines.push(line) });
    await rig.sendAll(queue.url, ["poison"]);

    let dead: string | undefined;
    await waitFor("the DLQ", async () => {
      const out = await rig
        .emulator()
        .client.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 1 }));
      dead = out.Messages?.[0]?.Body;
      return dead !== undefined;
    });
    expect(dead).toBe("poison");
    const receiveCounts = fn.events.map((e) => e.Records[0]?.attributes.ApproximateReceiveCount);
    expect(receiveCounts).toEqual(["1", "2"]);
    expect(await rig.isEmpty(queue.url)).toBe(true);
    expect(lines.filter((l) => l.includes("invocation failed: boom"))).toHaveLength(2);
  });

  it("runs up to maxConcurrency batches at once, and no more", async () => {
    // Invocations outlast a 1 s visibility timeout, so these queues need a longer one.
    const { queue } = await rig.makeQueues(rig.emulator().client, "concurrent", "10");
    await rig.sendAll(queue.url, ["a", "b", "c"]);
    const mining = slowFunction(1_000); // a worker mining for a while
    const started = Date.now();
    rig.poll(queue, mining.invoke, { batchSize: 1, maxConcurrency: 3 });
    await waitFor("three finished invocations", () => mining.finished === 3);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(mining.peak).toBe(3);
    await waitFor("the deletions", () => rig.isEmpty(queue.url));

    const { queue: capped } = await rig.makeQueues(rig.emulator().client, "capped", "10");
    await rig.sendAll(capped.url, ["a", "b", "c", "d"]);
    const short = slowFunction(300);
    rig.poll(capped, short.invoke, { batchSize: 1, maxConcurrency: 2 });
    await waitFor("four finished invocations", () => short.finished === 4);
    expect(short.peak).toBe(2);
  });
});
