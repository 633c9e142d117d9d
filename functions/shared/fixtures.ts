import type { APIGatewayProxyEvent, Context, SQSEvent, SQSRecord } from "aws-lambda";

/** An API Gateway REST (v1) proxy event, as API Gateway and serverless-offline send it. */
export function apiEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    resource: "/",
    path: "/",
    httpMethod: "GET",
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: "000000000000",
      apiId: "fixture",
      authorizer: {},
      protocol: "HTTP/1.1",
      httpMethod: overrides.httpMethod ?? "GET",
      identity: {} as APIGatewayProxyEvent["requestContext"]["identity"],
      path: overrides.path ?? "/",
      stage: "test",
      requestId: "fixture-request",
      requestTimeEpoch: 0,
      resourceId: "fixture",
      resourcePath: overrides.resource ?? "/",
    },
    ...overrides,
  };
}

export function sqsRecord(body: string, overrides: Partial<SQSRecord> = {}): SQSRecord {
  return {
    messageId: "msg-1",
    receiptHandle: "receipt-1",
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "0",
      SenderId: "fixture",
      ApproximateFirstReceiveTimestamp: "0",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:fixture",
    awsRegion: "us-east-1",
    ...overrides,
  };
}

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

export function lambdaContext(remainingMs = 30_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "fixture",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:fixture",
    memoryLimitInMB: "256",
    awsRequestId: "fixture-request",
    logGroupName: "/aws/lambda/fixture",
    logStreamName: "fixture",
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
