import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { setFunctionEnvironment } from "../../tests/fixtures/function-env";
import { apiEvent, lambdaContext } from "../../tests/fixtures/lambda-events";

type Handler = typeof import("./handler")["handler"];
let handler: Handler;

beforeAll(async () => {
  setFunctionEnvironment({ HASHER_DELAY_MS: "0", HASHER_MAX_BYTES: "1024" });
  ({ handler } = await import("./handler"));
});

describe("hasher handler", () => {
  it("answers the hex SHA-256 of a binary body as text/plain", async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
    const res = await handler(
      apiEvent({
        httpMethod: "POST",
        path: "/hasher",
        body: bytes.toString("base64"),
        isBase64Encoded: true,
      }),
      lambdaContext(),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers?.["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  it("answers a banner on GET", async () => {
    const res = await handler(apiEvent({ httpMethod: "GET", path: "/hasher" }), lambdaContext());
    expect(res.body).toMatch(/^HASHER running on /);
  });

  it("answers 413 JSON for a body over HASHER_MAX_BYTES", async () => {
    const res = await handler(
      apiEvent({
        httpMethod: "POST",
        path: "/hasher",
        body: Buffer.alloc(1025).toString("base64"),
        isBase64Encoded: true,
      }),
      lambdaContext(),
    );
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body).error).toMatch(/1025 bytes; at most 1024/);
  });
});
