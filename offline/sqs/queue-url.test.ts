import { describe, expect, it } from "vitest";
import { toInternalQueueUrl, toPublicQueueUrls } from "./queue-url";

describe("queue URL mapping", () => {
  it("shows clients loopback URLs instead of fauxqs' unresolvable *.localhost ones", () => {
    const body = JSON.stringify({
      QueueUrls: [
        "http://sqs.us-east-1.localhost:4566/000000000000/work",
        "http://sqs.eu-west-1.localhost:4566/000000000000/other",
        "http://sqs.us-east-1.localhost:9999/000000000000/other-port",
      ],
    });
    expect(JSON.parse(toPublicQueueUrls(body, 4566)).QueueUrls).toEqual([
      "http://127.0.0.1:4566/000000000000/work",
      "http://127.0.0.1:4566/000000000000/other",
      "http://sqs.us-east-1.localhost:9999/000000000000/other-port",
    ]);
  });

  it("maps loopback URLs back and leaves other URLs alone", () => {
    expect(toInternalQueueUrl("http://127.0.0.1:4566/000000000000/work", 4566, "us-east-1")).toBe(
      "http://sqs.us-east-1.localhost:4566/000000000000/work",
    );
    for (const url of [
      "http://sqs.us-east-1.localhost:4566/000000000000/work",
      "http://127.0.0.1:4567/000000000000/work",
      "https://sqs.us-east-1.amazonaws.com/123456789012/work",
    ]) {
      expect(toInternalQueueUrl(url, 4566, "us-east-1")).toBe(url);
    }
  });
});
