import { beforeAll, describe, expect, it } from "vitest";
import { setFunctionEnvironment } from "../../tests/fixtures/function-env";
import { apiEvent, lambdaContext } from "../../tests/fixtures/lambda-events";

type Handler = typeof import("./handler")["handler"];
let handler: Handler;

beforeAll(async () => {
  setFunctionEnvironment({ RNG_DELAY_MS: "0", RNG_MAX_BYTES: "64" });
  ({ handler } = await import("./handler"));
});

const get = (bytes?: string) =>
  handler(
    apiEvent({
      path: bytes === undefined ? "/rng" : `/rng/${bytes}`,
      pathParameters: bytes === undefined ? null : { bytes },
    }),
    lambdaContext(),
  );

describe("rng handler", () => {
  it("answers a banner naming the instance", async () => {
    const res = await get();
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^RNG running on \S+\/[0-9a-f]{8}/);
  });

  it("answers n random bytes as base64 octet-stream", async () => {
    const res = await get("32");
    expect(res.statusCode).toBe(200);
    expect(res.headers?.["content-type"]).toBe("application/octet-stream");
    expect(res.isBase64Encoded).toBe(true);
    expect(Buffer.from(res.body, "base64")).toHaveLength(32);
    expect((await get("32")).body).not.toBe(res.body);
  });

  it("answers an empty body for 0", async () => {
    expect(Buffer.from((await get("0")).body, "base64")).toHaveLength(0);
  });

  it.each(["abc", "-1", "1.5", "65"])("answers 400 JSON for %s", async (bytes) => {
    const res = await get(bytes);
    expect(res.statusCode).toBe(400);
    expect(res.headers?.["content-type"]).toBe("application/json");
    expect(JSON.parse(res.body).error).toMatch(/byte count/);
  });
});
