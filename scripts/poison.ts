/**
 * `npm run poison`: sends one poison ticket (a message no worker can read) to the workers'
 * ticket queue, for the workshop's dead-letter lesson. The worker rejects it at every
 * delivery; after WORKER_MAX_RECEIVES deliveries (each one visibility timeout apart) SQS
 * moves it to the dead-letter queue, where the dashboard's Cloud panel counts it.
 * The local cloud by default; SQS_ENDPOINT and TICKET_QUEUE_NAME point it elsewhere
 * (LocalStack: http://127.0.0.1:4566 and dockercoins-local-worker-tickets).
 */
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { scriptSettings } from "../common/command-environment";

export const label = "poison:";

/** One SQS call to the local cloud or LocalStack: a slow answer means it is not there. */
const SQS_TIMEOUT_MS = 5_000;

/** Not JSON, so not a ticket: the worker's parseTicket rejects it with MalformedTicketError. */
export const poisonBody = (now: Date) =>
  `poison ticket sent by npm run poison at ${now.toISOString()}`;

export async function main(): Promise<void> {
  const { sqsEndpoint, ticketQueueName } = scriptSettings();
  const client = new SQSClient({
    endpoint: sqsEndpoint,
    region: process.env.AWS_REGION || "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  try {
    const signal = () => ({ abortSignal: AbortSignal.timeout(SQS_TIMEOUT_MS) });
    let queueUrl: string | undefined;
    try {
      ({ QueueUrl: queueUrl } = await client.send(
        new GetQueueUrlCommand({ QueueName: ticketQueueName }),
        signal(),
      ));
    } catch (err) {
      throw new Error(
        `cannot find queue ${ticketQueueName} at ${sqsEndpoint} (${(err as Error).name}: ${(err as Error).message}). Is \`npm start\` running?`,
      );
    }
    if (!queueUrl) throw new Error(`${sqsEndpoint} returned no URL for ${ticketQueueName}`);
    const { MessageId } = await client.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: poisonBody(new Date()) }),
      signal(),
    );
    console.log(`poison: sent a poison ticket (message ${MessageId}) to ${ticketQueueName}`);
    console.log(
      "poison: the worker rejects it at each delivery; after WORKER_MAX_RECEIVES deliveries (one visibility timeout apart) it lands in the DLQ: watch the Cloud panel's queue line",
    );
  } finally {
    client.destroy();
  }
}
