import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Ticket } from "./ticket";

export interface TicketQueue {
  send(ticket: Ticket): Promise<void>;
}

/**
 * Tickets go to SQS. The client takes its region and endpoint from the environment (the local
 * cloud sets AWS_ENDPOINT_URL_SQS), so the same code runs offline, on LocalStack and on AWS.
 */
export function sqsTicketQueue(queueUrl: string): TicketQueue {
  const client = new SQSClient({});
  return {
    async send(ticket) {
      await client.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(ticket) }),
      );
    },
  };
}
