import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { LocalCloud } from "./launcher";

export const TICKET_QUEUE = "dockercoins-dev-worker-tickets";
export const DEAD_LETTER_QUEUE = "dockercoins-dev-worker-tickets-dlq";

/** An SQS client of a running local cloud's fauxqs, with its queues looked up by name. */
export function cloudSqs(cloud: LocalCloud) {
  const client = new SQSClient({
    endpoint: cloud.sqsEndpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const queueUrl = async (name: string): Promise<string> => {
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
    if (!QueueUrl) throw new Error(`no queue named ${name}`);
    return QueueUrl;
  };
  const send = async (queue: string, body: string): Promise<void> => {
    await client.send(
      new SendMessageCommand({ QueueUrl: await queueUrl(queue), MessageBody: body }),
    );
  };
  return { client, queueUrl, send };
}

/** A queue's visible messages (ApproximateNumberOfMessages), read over the SQS API. */
export async function queueDepth(cloud: LocalCloud, queue: string): Promise<number> {
  const sqs = cloudSqs(cloud);
  const { Attributes } = await sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: await sqs.queueUrl(queue),
      AttributeNames: ["ApproximateNumberOfMessages"],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages);
}
