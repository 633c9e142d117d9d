/**
 * Pure translation of CloudFormation `AWS::SQS::Queue` resources (serverless.yml
 * `resources.Resources`, already variable-resolved) into CreateQueue plans. No I/O here, so the
 * CloudFormation rules can be unit-tested without an emulator; emulator.ts does the calls.
 */

import type { QueueAttributeName } from "@aws-sdk/client-sqs";
import { LocalCloudError } from "../../common/errors";

export type CfnResource = { Type: string; Properties?: Record<string, unknown> };
export type CfnResources = Record<string, CfnResource>;

export type DeadLetterTarget = { logicalId: string } | { arn: string };
export type RedriveSpec = { deadLetterTarget: DeadLetterTarget; maxReceiveCount: number };
export type QueueAttributes = Partial<Record<QueueAttributeName, string>>;

export type QueuePlan = {
  logicalId: string;
  name: string;
  /** Every attribute except RedrivePolicy, which needs the DLQ's real ARN (see renderRedrivePolicy). */
  attributes: QueueAttributes;
  tags: Record<string, string>;
  redrive?: RedriveSpec;
};

/** A template this module cannot translate; the message names the logical id and property. */
export class QueueTemplateError extends LocalCloudError {
  override name = "QueueTemplateError";
}

export const SQS_QUEUE_TYPE = "AWS::SQS::Queue";

// CloudFormation properties that become SQS queue attributes of the same name.
const ATTRIBUTE_PROPERTIES: readonly QueueAttributeName[] = [
  "ContentBasedDeduplication",
  "DeduplicationScope",
  "DelaySeconds",
  "FifoQueue",
  "FifoThroughputLimit",
  "KmsDataKeyReusePeriodSeconds",
  "KmsMasterKeyId",
  "MaximumMessageSize",
  "MessageRetentionPeriod",
  "Policy",
  "ReceiveMessageWaitTimeSeconds",
  "RedriveAllowPolicy",
  "SqsManagedSseEnabled",
  "VisibilityTimeout",
];
const OTHER_PROPERTIES = new Set(["QueueName", "Tags", "RedrivePolicy"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isAttributeProperty(key: string): key is QueueAttributeName {
  return (ATTRIBUTE_PROPERTIES as readonly string[]).includes(key);
}

/** `{ Ref: … }`, `{ "Fn::…": … }`: left unresolved by serverless, so we must resolve or refuse them. */
function intrinsicName(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  const only = keys[0];
  if (keys.length !== 1 || only === undefined) return undefined;
  return only === "Ref" || only === "Condition" || only.startsWith("Fn::") ? only : undefined;
}

function assertNoIntrinsics(value: unknown, where: string): void {
  const fn = intrinsicName(value);
  if (fn !== undefined) {
    throw new QueueTemplateError(`${where}: intrinsic function ${fn} is not supported locally`);
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) assertNoIntrinsics(item, `${where}[${i}]`);
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) assertNoIntrinsics(item, `${where}.${key}`);
  }
}

/** SQS attributes are strings; JSON-valued ones (Policy, RedriveAllowPolicy) are JSON text. */
function attributeString(value: unknown, where: string): string {
  assertNoIntrinsics(value, where);
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (isRecord(value) || Array.isArray(value)) return JSON.stringify(value);
  throw new QueueTemplateError(`${where}: unsupported value ${JSON.stringify(value)}`);
}

function parseTags(value: unknown, where: string): Record<string, string> {
  assertNoIntrinsics(value, where);
  if (value === undefined) return {};
  if (!Array.isArray(value))
    throw new QueueTemplateError(`${where} must be a list of {Key, Value}`);
  const tags: Record<string, string> = {};
  for (const tag of value) {
    if (!isRecord(tag) || typeof tag.Key !== "string") {
      throw new QueueTemplateError(`${where} must be a list of {Key, Value}`);
    }
    tags[tag.Key] = String(tag.Value ?? "");
  }
  return tags;
}

/** deadLetterTargetArn: a literal ARN, `{ "Fn::GetAtt": [id, "Arn"] }` or `{ "Fn::GetAtt": "id.Arn" }`. */
function parseDeadLetterTarget(value: unknown, where: string): DeadLetterTarget {
  if (typeof value === "string" && value.startsWith("arn:")) return { arn: value };
  const fn = intrinsicName(value);
  if (fn === "Fn::GetAtt" && isRecord(value)) {
    const args = value[fn];
    const [logicalId, attribute] =
      typeof args === "string" ? args.split(".") : Array.isArray(args) ? args : [];
    if (typeof logicalId === "string" && attribute === "Arn") return { logicalId };
    throw new QueueTemplateError(
      `${where}: only { "Fn::GetAtt": [<QueueLogicalId>, "Arn"] } is supported`,
    );
  }
  if (fn !== undefined) {
    throw new QueueTemplateError(`${where}: intrinsic function ${fn} is not supported locally`);
  }
  throw new QueueTemplateError(
    `${where} must be an ARN or { "Fn::GetAtt": [<QueueLogicalId>, "Arn"] }`,
  );
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new QueueTemplateError(`${where}: invalid JSON (${(err as Error).message})`);
  }
}

function parseRedrivePolicy(value: unknown, where: string): RedriveSpec {
  // RedrivePolicy may also be written as JSON text, as the SQS API itself takes it.
  const policy = typeof value === "string" ? parseJson(value, where) : value;
  if (!isRecord(policy)) throw new QueueTemplateError(`${where} must be an object`);
  const maxReceiveCount = Number(policy.maxReceiveCount);
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
    throw new QueueTemplateError(`${where}.maxReceiveCount must be an integer from 1 to 1000`);
  }
  const deadLetterTarget = parseDeadLetterTarget(
    policy.deadLetterTargetArn,
    `${where}.deadLetterTargetArn`,
  );
  return { deadLetterTarget, maxReceiveCount };
}

function planQueue(logicalId: string, properties: Record<string, unknown>): QueuePlan {
  const where = (key: string) => `Resources.${logicalId}.Properties.${key}`;
  const name = properties.QueueName;
  if (typeof name !== "string" || name === "") {
    throw new QueueTemplateError(
      `${where("QueueName")} is required (a string) so that local queue names are predictable`,
    );
  }
  const attributes: QueueAttributes = {};
  for (const [key, value] of Object.entries(properties)) {
    if (isAttributeProperty(key)) attributes[key] = attributeString(value, where(key));
    else if (!OTHER_PROPERTIES.has(key)) {
      throw new QueueTemplateError(`${where(key)}: unknown AWS::SQS::Queue property`);
    }
  }
  const plan: QueuePlan = {
    logicalId,
    name,
    attributes,
    tags: parseTags(properties.Tags, where("Tags")),
  };
  if (properties.RedrivePolicy !== undefined) {
    plan.redrive = parseRedrivePolicy(properties.RedrivePolicy, where("RedrivePolicy"));
  }
  return plan;
}

/** Orders plans so that every dead-letter queue is created before the queues that use it. */
function dlqFirst(plans: Map<string, QueuePlan>): QueuePlan[] {
  const ordered: QueuePlan[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (plan: QueuePlan, path: string[]): void => {
    if (state.get(plan.logicalId) === "done") return;
    if (state.get(plan.logicalId) === "visiting") {
      throw new QueueTemplateError(
        `dead-letter queue cycle: ${[...path, plan.logicalId].join(" -> ")}`,
      );
    }
    state.set(plan.logicalId, "visiting");
    const target = plan.redrive?.deadLetterTarget;
    if (target !== undefined && "logicalId" in target) {
      const dlq = plans.get(target.logicalId);
      if (dlq === undefined) {
        throw new QueueTemplateError(
          `Resources.${plan.logicalId}.Properties.RedrivePolicy: ${target.logicalId} is not an ${SQS_QUEUE_TYPE} in Resources`,
        );
      }
      visit(dlq, [...path, plan.logicalId]);
    }
    state.set(plan.logicalId, "done");
    ordered.push(plan);
  };
  for (const plan of plans.values()) visit(plan, []);
  return ordered;
}

/** Every AWS::SQS::Queue in `resources`, dead-letter queues first; other resource types are ignored. */
export function planQueues(resources: CfnResources): QueuePlan[] {
  const plans = new Map<string, QueuePlan>();
  const names = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== SQS_QUEUE_TYPE) continue;
    const plan = planQueue(logicalId, resource.Properties ?? {});
    const clash = names.get(plan.name);
    if (clash !== undefined) {
      throw new QueueTemplateError(`${clash} and ${logicalId} both use QueueName ${plan.name}`);
    }
    names.set(plan.name, logicalId);
    plans.set(logicalId, plan);
  }
  return dlqFirst(plans);
}

/** The RedrivePolicy attribute (JSON text) once the dead-letter queue's ARN is known. */
export function renderRedrivePolicy(
  redrive: RedriveSpec,
  arnOfLogicalId: (logicalId: string) => string | undefined,
): string {
  const target = redrive.deadLetterTarget;
  const arn = "arn" in target ? target.arn : arnOfLogicalId(target.logicalId);
  if (arn === undefined) {
    throw new QueueTemplateError(
      `dead-letter queue ${JSON.stringify(target)} has not been created`,
    );
  }
  return JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: redrive.maxReceiveCount });
}
