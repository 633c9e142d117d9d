/**
 * A real fauxqs for the SQS poller's tests, with the helpers they share: queues made from a
 * CloudFormation-shaped template, stand-in functions that record or take time, and polling
 * for a condition. `useSqsRig()` registers the hooks that start and stop it around a file.
 */
import { setTimeout as delay } from "node:timers/promises";
import { GetQueueAttributesCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { InvokeOutcome } from "../../offline/contracts";
import {
  createQueuesFromTemplate,
  type Queue,
  type SqsEmulator,
  startSqsEmulator,
} from "../../offline/sqs/emulator";
import {
  type QueuePoller,
  type QueuePollerOptions,
  startQueuePoller,
} from "../../offline/sqs/poller";

export const credentials = { accessKeyId: "test", secretAccessKey: "test" };

export type Handler = (event: SQSEvent) => InvokeOutcome | Promise<InvokeOutcome>;

/** A real function standing in for the Lambda: records every event, then runs `handler`. */
export function recorder(handler: Handler = () => ({ ok: true, response: null })) {
  const events: SQSEvent[] = [];
  const invoke = async (event: SQSEvent) => {
    events.push(event);
    return handler(event);
  };
  const bodies = () => events.flatMap((e) => e.Records.map((r) => r.body));
  return { events, invoke, bodies };
}

/** A function that takes `ms` per invocation, counting how many run at once. */
export function slowFunction(ms: number) {
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

export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 6_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(25);
  }
}

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

/** Starts fauxqs before the file's tests and stops it, and every poller, after them. */
export function useSqsRig() {
  let sqs: SqsEmulator | undefined;
  let pollers: QueuePoller[] = [];
  let queueCounter = 0;
  const emulator = (): SqsEmulator => {
    if (!sqs) throw new Error("the SQS rig is used outside its tests");
    return sqs;
  };
  const stopPollers = async () => {
    await Promise.all(pollers.map((p) => p.stop()));
    pollers = [];
  };
  beforeAll(async () => {
    sqs = await startSqsEmulator({ port: 0 });
  });
  afterEach(stopPollers);
  afterAll(() => sqs?.stop());

  const rig = {
    emulator,
    stopPollers,
    async makeQueues(
      client = emulator().client,
      name = `work-${++queueCounter}`,
      visibility = "1",
    ) {
      const created = await createQueuesFromTemplate(client, resources(name, visibility));
      const queue = created.get("WorkQueue");
      const dlq = created.get("WorkDLQ");
      if (!queue || !dlq) throw new Error("queues missing from createQueuesFromTemplate's result");
      return { queue, dlq };
    },
    poll(queue: Queue, invoke: Handler, overrides: Partial<QueuePollerOptions> = {}) {
      const poller = startQueuePoller({
        client: emulator().client,
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
    },
    async counts(url: string, client = emulator().client) {
      const names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
      ] as const;
      const out = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...names] }),
      );
      const [visible, notVisible] = names.map((n) => Number(out.Attributes?.[n]));
      return { visible, notVisible, total: (visible ?? 0) + (notVisible ?? 0) };
    },
    async isEmpty(url: string, client = emulator().client) {
      return (await rig.counts(url, client)).total === 0;
    },
    async sendAll(url: string, bodies: string[]) {
      const Entries = bodies.map((MessageBody, i) => ({ Id: `e${i}`, MessageBody }));
      await emulator().client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries }));
    },
  };
  return rig;
}
