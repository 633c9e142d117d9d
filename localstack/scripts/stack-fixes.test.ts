import { describe, expect, it } from "vitest";
import { StackFixError, wantedConcurrency } from "./stack-fixes";

const template = (resources: Record<string, unknown>) => JSON.stringify({ Resources: resources });
const ids = new Map([
  ["RngLambdaFunction", "dockercoins-local-rng"],
  ["HasherLambdaFunction", "dockercoins-local-hasher"],
]);

describe("wantedConcurrency", () => {
  it("maps each function of the template to its reserved concurrency, or none", () => {
    const body = template({
      RngLambdaFunction: {
        Type: "AWS::Lambda::Function",
        Properties: { ReservedConcurrentExecutions: 1 },
      },
      HasherLambdaFunction: { Type: "AWS::Lambda::Function", Properties: {} },
      WorkerQueue: { Type: "AWS::SQS::Queue", Properties: {} },
    });
    expect([...wantedConcurrency(body, ids)]).toEqual([
      ["dockercoins-local-rng", 1],
      ["dockercoins-local-hasher", undefined],
    ]);
  });

  it("refuses a function the stack does not hold, or a concurrency that is not a number", () => {
    const unknown = template({ Other: { Type: "AWS::Lambda::Function" } });
    expect(() => wantedConcurrency(unknown, ids)).toThrow(StackFixError);
    const intrinsic = template({
      RngLambdaFunction: {
        Type: "AWS::Lambda::Function",
        Properties: { ReservedConcurrentExecutions: { Ref: "Concurrency" } },
      },
    });
    expect(() => wantedConcurrency(intrinsic, ids)).toThrow(
      'RngLambdaFunction: ReservedConcurrentExecutions is {"Ref":"Concurrency"}',
    );
  });
});
