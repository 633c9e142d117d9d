/**
 * The local SQS event source mapping against a real fauxqs: delivery, deletion, batching,
 * partial batch failures, redrive to the DLQ, concurrency, prompt stop and emulator restarts.
 */
import { setTimeout as delay } from "node:timers/promises";
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { InvokeOutcome } from "../../offline/serverless/invoke";
import {
  createQueuesFromTemplate,
  EMULATOR_REGION,
  type Queue,
  type SqsEmulator,
  startSqsEmulator,
} from "../../offline/sqs/emulator";
import {
  type QueuePoller,
  type QueuePollerOptions,
  startQueuePoller,
} from "../../offline/sqs/poller";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
let sqs: SqsEmulator;
let pollers: QueuePoller[] = [];
let queueCounter = 0;

/** The shape serverless.yml's resources.Resources has, with short timeouts for speed. */
const resources = (name: string, visibilityTimeout = "1") => ({
  WorkQueue: {
    Type: "AWS::SQS::Queue",
    Properties: {
      QueueName: name,
      VisibilityTimeout: visibilityTimeout,
      RedrivePolicy: {
        deadLetterTargetArn: { "Fn::GetAtt": ["WorkDLQ", "Arn"] },
        maxReceiveCount: 2,
      },
    },
  },
  WorkDLQ: { Type: "AWS::SQS::Queue", Properties: { QueueName: `${name}-dlq` } },
});

async function makeQueues(client = sqs.client, name = `work-${++queueCounter}`, visibility = "1") {
  const created = await createQueuesFromTemplate(client, resources(name, visibility));
  const queue = created.get("WorkQueue");
  const dlq = created.get("WorkDLQ");
  if (!queue || !dlq) throw new Error("queues missing from createQueuesFromTemplate's result");
  return { queue, dlq };
}

type Handler = (event: SQSEvent) => InvokeOutcome | Promise<InvokeOutcome>;

/** A real function standing in for the Lambda: records every event, then runs `handler`. */
function recorder(handler: Handler = () => ({ ok: true, response: null })) {
  const events: SQSEvent[] = [];
  const invoke = async (event: SQSEvent) => {
    events.push(event);
    return handler(event);
  };
  const bodies = () => events.flatMap((e) => e.Records.map((r) => r.body));
  return { events, invoke, bodies };
}

/** A function that takes `ms` per invocation, counting how many run at once. */
function slowFunction(ms: number) {
  const state = { started: 0, finished: 0, peak: 0 };
  const invoke = async (): Promise<InvokeOutcome> => {
    state.started += 1;
    state.peak = Math.max(state.peak, state.started - state.finished);
    await delay(ms);
    state.finished += 1;
    return { ok: true, response: null };
  };
  return Object.assign(state, { invoke });
}

function poll(queue: Queue, invoke: Handler, overrides: Partial<QueuePollerOptions> = {}) {
  const poller = startQueuePoller({
    client: sqs.client,
    queueUrl: queue.url,
    queueArn: queue.arn,
    functionName: "worker",
    batchSize: 10,
    maxConcurrency: 1,
    reportBatchItemFailures: false,
    invoke: async (event) => invoke(event),
    ...overrides,
  });
  pollers.push(poller);
  return poller;
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 6_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(25);
  }
}

async function counts(url: string, client = sqs.client) {
  const names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] as const;
  const out = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...names] }),
  );
  const [visible, notVisible] = names.map((n) => Number(out.Attributes?.[n]));
  return { visible, notVisible, total: (visible ?? 0) + (notVisible ?? 0) };
}

const isEmpty = async (url: string, client = sqs.client) => (await counts(url, client)).total === 0;

async function sendAll(url: string, bodies: string[]) {
  const Entries = bodies.map((MessageBody, i) => ({ Id: `e${i}`, MessageBody }));
  await sqs.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries }));
}

const stopPollers = async () => {
  await Promise.all(pollers.map((p) => p.stop()));
  pollers = [];
};
beforeAll(async () => {
  sqs = await startSqsEmulator({ port: 0 });
});
afterEach(stopPollers);
afterAll(() => sqs?.stop());

describe("SQS poller (local event source mapping) on fauxqs", () => {
  it("delivers a message as a Lambda SQS event and deletes it afterwards", async () => {
    const { queue } = await makeQueues();
    // Queue URLs are loopback URLs: a client without an explicit endpoint can use them too.
    expect(queue.url).toBe(`${sqs.endpoint}/000000000000/${queue.name}`);
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
    poll(queue, fn.invoke);

    await waitFor("the invocation", () => fn.events.length === 1);
    await waitFor("the deletion", () => isEmpty(queue.url));
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
    const { queue } = await makeQueues();
    await sendAll(queue.url, ["1", "2", "3", "4", "5"]);
    const fn = recorder();
    poll(queue, fn.invoke, { batchSize: 2 });

    await waitFor("all five messages", () => fn.bodies().length === 5);
    expect(fn.events.map((e) => e.Records.length)).toEqual([2, 2, 1]);
    await waitFor("the deletions", () => isEmpty(queue.url));
  });

  it("redelivers only the messages listed in batchItemFailures", async () => {
    const { queue } = await makeQueues();
    await sendAll(queue.url, ["keep", "retry"]);
    const fn = recorder((event) => ({
      ok: true,
      response: {
        batchItemFailures: event.Records.filter(
          (r) => r.body === "retry" && r.attributes.ApproximateReceiveCount === "1",
        ).map((r) => ({ itemIdentifier: r.messageId })),
      },
    }));
    poll(queue, fn.invoke, { reportBatchItemFailures: true });

    await waitFor("the redelivery", () => fn.bodies().length === 3);
    await waitFor("the deletions", () => isEmpty(queue.url));
    expect(fn.events[0]?.Records.map((r) => r.body)).toEqual(["keep", "retry"]);
    expect(fn.events[1]?.Records).toMatchObject([
      { body: "retry", attributes: { ApproximateReceiveCount: "2" } },
    ]);
  });

  it("moves a message whose invocation always fails to the DLQ after maxReceiveCount", async () => {
    const { queue, dlq } = await makeQueues();
    const lines: string[] = [];
    const fn = recorder(() => ({ ok: false, error: "boom" }));
    poll(queue, fn.invoke, { log: (line) => lines.push(line) });
    await sendAll(queue.url, ["poison"]);

    let dead: string | undefined;
    await waitFor("the DLQ", async () => {
      const out = await sqs.client.send(
        new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 1 }),
      );
      dead = out.Messages?.[0]?.Body;
      return dead !== undefined;
    });
    expect(dead).toBe("poison");
    const receiveCounts = fn.events.map((e) => e.Records[0]?.attributes.ApproximateReceiveCount);
    expect(receiveCounts).toEqual(["1", "2"]);
    expect(await isEmpty(queue.url)).toBe(true);
    expect(lines.filter((l) => l.includes("invocation failed: boom"))).toHaveLength(2);
  });

  it("runs up to maxConcurrency batches at once, and no more", async () => {
    // Invocations outlast a 1 s visibility timeout, so these queues need a longer one.
    const { queue } = await makeQueues(sqs.client, "concurrent", "10");
    await sendAll(queue.url, ["a", "b", "c"]);
    const mining = slowFunction(1_000); // a worker mining for a while
    const started = Date.now();
    poll(queue, mining.invoke, { batchSize: 1, maxConcurrency: 3 });
    await waitFor("three finished invocations", () => mining.finished === 3);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(mining.peak).toBe(3);
    await waitFor("the deletions", () => isEmpty(queue.url));

    const { queue: capped } = await makeQueues(sqs.client, "capped", "10");
    await sendAll(capped.url, ["a", "b", "c", "d"]);
    const short = slowFunction(300);
    poll(capped, short.invoke, { batchSize: 1, maxConcurrency: 2 });
    await waitFor("four finished invocations", () => short.finished === 4);
    expect(short.peak).toBe(2);
  });

  it("stop() lets running invocations finish, for up to stopGraceMs", async () => {
    const { queue } = await makeQueues(sqs.client, "drain", "10");
    const fn = slowFunction(400);
    await sendAll(queue.url, ["a"]);
    const patient = poll(queue, fn.invoke);
    await waitFor("the invocation", () => fn.peak === 1);
    await patient.stop();
    expect(fn.finished).toBe(1);
    expect(await isEmpty(queue.url)).toBe(true); // deleted before stop() resolved

    const lines: string[] = [];
    await sendAll(queue.url, ["b"]);
    const impatient = poll(queue, fn.invoke, { stopGraceMs: 100, log: (l) => lines.push(l) });
    await waitFor("the second invocation", () => fn.started === 2);
    const stopping = Date.now();
    await impatient.stop();
    expect(Date.now() - stopping).toBeLessThan(300);
    expect(lines.filter((l) => l.includes("still running"))).toHaveLength(1);
  });

  it("stop() returns promptly during a 20 s long poll, leaving later messages visible", async () => {
    const { queue } = await makeQueues();
    const fn = recorder();
    const poller = poll(queue, fn.invoke, { waitTimeSeconds: 20 });
    await delay(300); // the long poll is now waiting in fauxqs

    const started = Date.now();
    await poller.stop();
    expect(Date.now() - started).toBeLessThan(1_000);

    // fauxqs keeps the abandoned long poll waiting and hands it the next message; the emulator
    // makes such messages visible again once the server has seen the client go (a few ms).
    await delay(100);
    await sendAll(queue.url, ["after-stop"]);
    const visible = async () => (await counts(queue.url)).visible === 1;
    await waitFor("the message to be visible", visible, 1_000);
    expect(fn.events).toHaveLength(0);
  });

  it("resumes by itself when the emulator restarts on the same port", async () => {
    const first = await startSqsEmulator({ port: 0 });
    const { queue } = await makeQueues(first.client, "restart");
    // A client that outlives both emulators, like the functions' clients do.
    const client = new SQSClient({
      endpoint: first.endpoint,
      region: EMULATOR_REGION,
      credentials,
    });
    const lines: string[] = [];
    const fn = recorder();
    poll(queue, fn.invoke, { client, log: (line) => lines.push(line) });
    await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "before" }));
    await waitFor("the first delivery", () => fn.bodies().includes("before"));

    await first.stop();
    await delay(700); // several failed receives: connection refused
    const second = await startSqsEmulator({ port: first.port });
    try {
      const { queue: again } = await makeQueues(second.client, "restart");
      expect(again.url).toBe(queue.url);
      await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "after" }));
      await waitFor("the delivery after the restart", () => fn.bodies().includes("after"), 8_000);
      await waitFor("the deletion", () => isEmpty(queue.url, client));
      // One line for the whole outage, one when it is over.
      expect(lines.filter((l) => l.includes("ReceiveMessage failed"))).toHaveLength(1);
      expect(lines.filter((l) => l.includes("polling resumed"))).toHaveLength(1);
    } finally {
      await stopPollers();
      await second.stop();
      client.destroy();
    }
  });
});
