/**
 * In-process SQS emulator for `serverless offline`: fauxqs (in-memory, AWS JSON protocol) bound
 * to loopback only, plus creation of the template's queues. serverless-offline has no SQS.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { buildApp } from "fauxqs";
import { LocalCloudError } from "../../common/errors";
import { type GuardPolicy, LOOPBACK_ONLY, refuseForeign } from "../../common/http-guard";
import type { QueueRef } from "../contracts";
import type { ArrivalSignal } from "./poller";
import { type QueueDepths, queueDepthsOf } from "./queue-depths";
import { type CfnResources, planQueues, type QueuePlan, renderRedrivePolicy } from "./queue-plan";
import { toInternalQueueUrl, toPublicQueueUrls } from "./queue-url";

export const EMULATOR_REGION = "us-east-1";
const HOST = "127.0.0.1";

export type SqsEmulatorOptions = {
  /** 0 picks a free port. */
  port: number;
  /** Which Host names and Origins may reach it (common/http-guard.ts); default loopback only. */
  guard?: GuardPolicy;
  log?: (line: string) => void;
};

export type SqsEmulator = {
  /** http://127.0.0.1:<port>; give SQS clients this as `endpoint`. */
  endpoint: string;
  port: number;
  /** A client for this emulator (static "test" credentials; fauxqs accepts any). */
  client: SQSClient;
  /**
   * Signals that messages may have arrived on a queue (sent, or made visible again), for an
   * in-process poller that then needs no long poll (see poller.ts, `arrivals`).
   */
  arrivals(queueUrl: string): ArrivalSignal;
  /** A queue's depths now, read from fauxqs' store (no SQS call, no socket). */
  depths(queueName: string): Promise<QueueDepths>;
  /** Closes the server (pending long polls return empty) and the client. Stop pollers first. */
  stop(): Promise<void>;
};

/** A queue of the template, as created: its CloudFormation logical id and its SQS identity. */
export type Queue = QueueRef;

/** CreateQueue or GetQueueAttributes failed for a queue of the template. */
export class QueueCreationError extends LocalCloudError {
  override name = "QueueCreationError";
}

// fauxqs' .d.ts names Fastify's types through a default import that TypeScript resolves to
// `any`, so buildApp() is untyped; this is the part of the Fastify app we use.
type HookRequest = {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  raw: IncomingMessage;
};
type HookReply = { raw: ServerResponse; hijack(): HookReply };
type FauxqsApp = {
  addHook(
    name: "onRequest",
    hook: (request: HookRequest, reply: HookReply) => Promise<void>,
  ): unknown;
  addHook(name: "preHandler", hook: (request: HookRequest) => Promise<void>): unknown;
  addHook(
    name: "onSend",
    hook: (request: HookRequest, reply: HookReply, payload: unknown) => Promise<unknown>,
  ): unknown;
  addHook(name: "onResponse", hook: (request: HookRequest) => Promise<void>): unknown;
  inject(request: {
    method: "POST" | "GET";
    url: string;
    headers?: Record<string, string>;
    payload?: string;
  }): Promise<{ statusCode: number; body: string }>;
  listen(options: { port: number; host: string }): Promise<string>;
  server: { address(): AddressInfo | string | null };
  close(): Promise<void>;
};
type Log = (line: string) => void;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sqsAction(headers: Record<string, string | string[] | undefined>): string | undefined {
  const target = headers["x-amz-target"];
  return typeof target === "string" && target.startsWith("AmazonSQS.")
    ? target.slice("AmazonSQS.".length)
    : undefined;
}

function receiptHandlesOf(payload: string): string[] {
  try {
    const parsed: unknown = JSON.parse(payload);
    const messages = isRecord(parsed) && Array.isArray(parsed.Messages) ? parsed.Messages : [];
    return messages.flatMap((m: unknown) =>
      isRecord(m) && typeof m.ReceiptHandle === "string" ? [m.ReceiptHandle] : [],
    );
  } catch {
    return [];
  }
}

async function releaseMessages(app: FauxqsApp, queueUrl: string, handles: string[], log: Log) {
  const response = await app.inject({
    method: "POST",
    url: "/",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "AmazonSQS.ChangeMessageVisibilityBatch",
    },
    payload: JSON.stringify({
      QueueUrl: queueUrl,
      Entries: handles.map((h, i) => ({ Id: `m${i}`, ReceiptHandle: h, VisibilityTimeout: 0 })),
    }),
  });
  const outcome =
    response.statusCode === 200 ? "made visible again" : `NOT released: ${response.body}`;
  log(`SQS emulator: ${handles.length} message(s) received for a client that had gone ${outcome}`);
}

/** Clients see http://127.0.0.1:<port>/… queue URLs (see sqs-queue-url.ts). */
function mapQueueUrls(app: FauxqsApp, port: () => number): void {
  app.addHook("preHandler", async (request) => {
    const body = request.body;
    if (sqsAction(request.headers) && isRecord(body) && typeof body.QueueUrl === "string") {
      body.QueueUrl = toInternalQueueUrl(body.QueueUrl, port(), EMULATOR_REGION);
    }
  });
  app.addHook("onSend", async (request, _reply, payload) =>
    sqsAction(request.headers) && typeof payload === "string"
      ? toPublicQueueUrls(payload, port())
      : payload,
  );
}

// fauxqs keeps a long poll waiting until WaitTimeSeconds even when its client has gone (a
// poller's stop() aborts it), then hands the next message to that dead request, hiding it for a
// whole visibility timeout. Once the server has seen the connection close (within ms), such
// messages are made visible again at once; one arriving in that window is still delayed.
function releaseAbandonedReceives(app: FauxqsApp, log: Log): void {
  app.addHook("onSend", async (request, reply, payload) => {
    const body = request.body;
    const abandoned = reply.raw.destroyed && sqsAction(request.headers) === "ReceiveMessage";
    if (abandoned && typeof payload === "string" && isRecord(body)) {
      const handles = receiptHandlesOf(payload);
      if (handles.length > 0 && typeof body.QueueUrl === "string") {
        releaseMessages(app, body.QueueUrl, handles, log).catch((err: unknown) =>
          log(`SQS emulator: releasing messages of an abandoned receive failed: ${String(err)}`),
        );
      }
    }
    return payload;
  });
}

/** Actions after which a queue may hold messages a receive would get. */
const ARRIVAL_ACTIONS = new Set([
  "SendMessage",
  "SendMessageBatch",
  "ChangeMessageVisibility",
  "ChangeMessageVisibilityBatch",
]);

/** Tells listeners of a queue (by its internal URL) once such an action on it has answered. */
function signalArrivals(app: FauxqsApp): (internalUrl: string) => ArrivalSignal {
  const listeners = new Map<string, Set<() => void>>();
  app.addHook("onResponse", async (request) => {
    const action = sqsAction(request.headers);
    const body = request.body;
    if (
      action &&
      ARRIVAL_ACTIONS.has(action) &&
      isRecord(body) &&
      typeof body.QueueUrl === "string"
    ) {
      for (const listener of listeners.get(body.QueueUrl) ?? []) listener();
    }
  });
  return (internalUrl) => (listener) => {
    const set = listeners.get(internalUrl) ?? new Set();
    set.add(listener);
    listeners.set(internalUrl, set);
    return () => set.delete(listener);
  };
}

/**
 * The shared guard, as Fastify's first hook (before body parsing and routing): a foreign Host
 * name or Origin gets 403 and never reaches fauxqs. fauxqs sends no CORS headers. The guard
 * answers on the raw response, so Fastify is told to leave the request alone (hijack).
 */
function guardRequests(app: FauxqsApp, guard: GuardPolicy): void {
  app.addHook("onRequest", async (request, reply) => {
    if (refuseForeign(request.raw, reply.raw, guard)) reply.hijack();
  });
}

/** Starts fauxqs on 127.0.0.1 (never 0.0.0.0, unlike fauxqs' own startFauxqs()). */
export async function startSqsEmulator(opts: SqsEmulatorOptions): Promise<SqsEmulator> {
  const log = opts.log ?? (() => {});
  const app: FauxqsApp = buildApp({ logger: false });
  let port = opts.port;
  guardRequests(app, opts.guard ?? LOOPBACK_ONLY);
  mapQueueUrls(app, () => port);
  releaseAbandonedReceives(app, log);
  const arrivalsOf = signalArrivals(app);
  await app.listen({ port: opts.port, host: HOST });
  const address = app.server.address();
  port = typeof address === "object" && address !== null ? address.port : opts.port;
  const endpoint = `http://${HOST}:${port}`;
  const client = new SQSClient({
    endpoint,
    region: EMULATOR_REGION,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    // In-process on loopback there is nothing transient to retry; the poller backs off itself,
    // and SDK retry delays would only hide failures and slow its stop().
    maxAttempts: 1,
  });
  log(`SQS emulator (fauxqs) listening on ${endpoint}`);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= app.close().then(() => client.destroy());
    return stopping;
  };
  const arrivals = (queueUrl: string) =>
    arrivalsOf(toInternalQueueUrl(queueUrl, port, EMULATOR_REGION));
  // fauxqs' non-destructive inspection, in process: no SQS call, no socket.
  const depths = async (queueName: string) => {
    const url = `/_fauxqs/queues/${encodeURIComponent(queueName)}`;
    const answer = await app.inject({ method: "GET", url });
    return queueDepthsOf(queueName, answer.statusCode, answer.body);
  };
  return { endpoint, port, client, arrivals, depths, stop };
}

async function createQueue(
  client: SQSClient,
  plan: QueuePlan,
  arnOf: (logicalId: string) => string | undefined,
): Promise<Queue> {
  const attributes = { ...plan.attributes };
  if (plan.redrive !== undefined) {
    attributes.RedrivePolicy = renderRedrivePolicy(plan.redrive, arnOf);
  }
  const where = `queue ${plan.name} (Resources.${plan.logicalId})`;
  try {
    const tags = Object.keys(plan.tags).length > 0 ? plan.tags : undefined;
    const created = await client.send(
      new CreateQueueCommand({ QueueName: plan.name, Attributes: attributes, tags }),
    );
    const url = created.QueueUrl;
    if (url === undefined)
      throw new QueueCreationError(`${where}: CreateQueue returned no QueueUrl`);
    const described = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
    );
    const arn = described.Attributes?.QueueArn;
    if (arn === undefined) throw new QueueCreationError(`${where}: no QueueArn attribute`);
    return { logicalId: plan.logicalId, name: plan.name, url, arn };
  } catch (err) {
    if (err instanceof QueueCreationError) throw err;
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new QueueCreationError(`creating ${where} failed: ${reason}`, { cause: err });
  }
}

/**
 * Creates every AWS::SQS::Queue of a CloudFormation Resources map (dead-letter queues first),
 * keyed by logical id. Throws QueueTemplateError for templates it cannot translate.
 */
export async function createQueuesFromTemplate(
  client: SQSClient,
  resources: CfnResources,
): Promise<Map<string, Queue>> {
  const created = new Map<string, Queue>();
  for (const plan of planQueues(resources)) {
    created.set(plan.logicalId, await createQueue(client, plan, (id) => created.get(id)?.arn));
  }
  return created;
}
