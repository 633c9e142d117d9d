import { describe, expect, it } from "vitest";
import {
  type CfnResources,
  planQueues,
  QueueTemplateError,
  renderRedrivePolicy,
} from "./queue-plan";

const resources: CfnResources = {
  WorkerQueue: {
    Type: "AWS::SQS::Queue",
    Properties: {
      QueueName: "dockercoins-dev-work",
      VisibilityTimeout: 60,
      ReceiveMessageWaitTimeSeconds: "20",
      RedrivePolicy: {
        deadLetterTargetArn: { "Fn::GetAtt": ["WorkerDLQ", "Arn"] },
        maxReceiveCount: 3,
      },
      Tags: [{ Key: "app", Value: "dockercoins" }],
    },
  },
  Bucket: { Type: "AWS::S3::Bucket", Properties: { BucketName: "ignored" } },
  WorkerDLQ: {
    Type: "AWS::SQS::Queue",
    Properties: { QueueName: "dockercoins-dev-work-dlq", MessageRetentionPeriod: 1209600 },
  },
};

describe("planQueues", () => {
  it("creates dead-letter queues first and turns properties into string attributes", () => {
    const plans = planQueues(resources);
    expect(plans.map((p) => p.logicalId)).toEqual(["WorkerDLQ", "WorkerQueue"]);
    expect(plans[0]).toEqual({
      logicalId: "WorkerDLQ",
      name: "dockercoins-dev-work-dlq",
      attributes: { MessageRetentionPeriod: "1209600" },
      tags: {},
    });
    expect(plans[1]).toEqual({
      logicalId: "WorkerQueue",
      name: "dockercoins-dev-work",
      attributes: { VisibilityTimeout: "60", ReceiveMessageWaitTimeSeconds: "20" },
      tags: { app: "dockercoins" },
      redrive: { deadLetterTarget: { logicalId: "WorkerDLQ" }, maxReceiveCount: 3 },
    });
  });

  it("accepts the string form of Fn::GetAtt, literal ARNs and JSON-text policies", () => {
    const plans = planQueues({
      A: {
        Type: "AWS::SQS::Queue",
        Properties: {
          QueueName: "a",
          RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": "B.Arn" }, maxReceiveCount: "2" },
        },
      },
      B: { Type: "AWS::SQS::Queue", Properties: { QueueName: "b" } },
      C: {
        Type: "AWS::SQS::Queue",
        Properties: {
          QueueName: "c",
          RedrivePolicy:
            '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:b","maxReceiveCount":5}',
          Policy: { Version: "2012-10-17", Statement: [] },
        },
      },
    });
    expect(plans.map((p) => p.logicalId)).toEqual(["B", "A", "C"]);
    expect(plans[1]?.redrive).toEqual({ deadLetterTarget: { logicalId: "B" }, maxReceiveCount: 2 });
    expect(plans[2]?.redrive?.deadLetterTarget).toEqual({
      arn: "arn:aws:sqs:us-east-1:000000000000:b",
    });
    expect(plans[2]?.attributes.Policy).toBe('{"Version":"2012-10-17","Statement":[]}');
  });

  it.each([
    [{ Q: { Type: "AWS::SQS::Queue" } }, /Resources\.Q\.Properties\.QueueName is required/],
    [
      { Q: { Type: "AWS::SQS::Queue", Properties: { QueueName: { Ref: "AWS::StackName" } } } },
      /Resources\.Q\.Properties\.QueueName is required/,
    ],
    [
      {
        Q: {
          Type: "AWS::SQS::Queue",
          Properties: { QueueName: "q", VisibilityTimeout: { "Fn::Sub": "AWS::Region" } },
        },
      },
      /Q\.Properties\.VisibilityTimeout: intrinsic function Fn::Sub is not supported/,
    ],
    [
      {
        Q: {
          Type: "AWS::SQS::Queue",
          Properties: {
            QueueName: "q",
            RedrivePolicy: { deadLetterTargetArn: { "Fn::ImportValue": "x" }, maxReceiveCount: 1 },
          },
        },
      },
      /deadLetterTargetArn: intrinsic function Fn::ImportValue is not supported/,
    ],
    [
      {
        Q: {
          Type: "AWS::SQS::Queue",
          Properties: {
            QueueName: "q",
            RedrivePolicy: {
              deadLetterTargetArn: { "Fn::GetAtt": ["D", "QueueUrl"] },
              maxReceiveCount: 1,
            },
          },
        },
      },
      /only \{ "Fn::GetAtt": \[<QueueLogicalId>, "Arn"\] \} is supported/,
    ],
    [
      {
        Q: {
          Type: "AWS::SQS::Queue",
          Properties: {
            QueueName: "q",
            RedrivePolicy: {
              deadLetterTargetArn: { "Fn::GetAtt": ["Missing", "Arn"] },
              maxReceiveCount: 1,
            },
          },
        },
      },
      /Missing is not an AWS::SQS::Queue in Resources/,
    ],
    [
      {
        Q: {
          Type: "AWS::SQS::Queue",
          Properties: {
            QueueName: "q",
            RedrivePolicy: { deadLetterTargetArn: "arn:x", maxReceiveCount: 0 },
          },
        },
      },
      /maxReceiveCount must be an integer from 1 to 1000/,
    ],
    [
      { Q: { Type: "AWS::SQS::Queue", Properties: { QueueName: "q", VisibilityTimout: 3 } } },
      /Q\.Properties\.VisibilityTimout: unknown AWS::SQS::Queue property/,
    ],
    [
      {
        A: { Type: "AWS::SQS::Queue", Properties: { QueueName: "same" } },
        B: { Type: "AWS::SQS::Queue", Properties: { QueueName: "same" } },
      },
      /A and B both use QueueName same/,
    ],
  ] satisfies [CfnResources, RegExp][])(
    "rejects unsupported templates with a clear error (%#)",
    (input, message) => {
      expect(() => planQueues(input)).toThrow(QueueTemplateError);
      expect(() => planQueues(input)).toThrow(message);
    },
  );

  it("detects dead-letter cycles", () => {
    const redriveTo = (id: string) => ({
      deadLetterTargetArn: { "Fn::GetAtt": [id, "Arn"] },
      maxReceiveCount: 1,
    });
    expect(() =>
      planQueues({
        A: {
          Type: "AWS::SQS::Queue",
          Properties: { QueueName: "a", RedrivePolicy: redriveTo("B") },
        },
        B: {
          Type: "AWS::SQS::Queue",
          Properties: { QueueName: "b", RedrivePolicy: redriveTo("A") },
        },
      }),
    ).toThrow(/dead-letter queue cycle: A -> B -> A/);
  });
});

describe("renderRedrivePolicy", () => {
  it("substitutes the dead-letter queue's real ARN", () => {
    const arns = new Map([["WorkerDLQ", "arn:aws:sqs:us-east-1:000000000000:dlq"]]);
    const policy = renderRedrivePolicy(
      { deadLetterTarget: { logicalId: "WorkerDLQ" }, maxReceiveCount: 3 },
      (id) => arns.get(id),
    );
    expect(JSON.parse(policy)).toEqual({
      deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:dlq",
      maxReceiveCount: 3,
    });
    expect(() =>
      renderRedrivePolicy(
        { deadLetterTarget: { logicalId: "Nope" }, maxReceiveCount: 1 },
        () => undefined,
      ),
    ).toThrow(QueueTemplateError);
  });
});
