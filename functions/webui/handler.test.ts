import { beforeAll, describe, expect, it } from "vitest";
import { setFunctionEnvironment, unreachableEnv } from "../../tests/fixtures/function-env";
import { apiEvent, lambdaContext } from "../../tests/fixtures/lambda-events";

type Handler = typeof import("./handler")["handler"];
let handler: Handler;

beforeAll(async () => {
  setFunctionEnvironment(unreachableEnv);
  ({ handler } = await import("./handler"));
});

describe("webui handler", () => {
  it("answers 503 JSON quickly, not a hang, when Redis is unreachable", async () => {
    const started = Date.now();
    const res = await handler(apiEvent({ path: "/json" }), lambdaContext());
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body).error).toMatch(/Redis is unavailable/);
    expect(res.headers?.["access-control-allow-origin"]).toBe("*");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("answers GET /cloud on stage dev with 404 JSON naming who serves it there", async () => {
    const res = await handler(
      apiEvent({ path: "/dev/cloud", resource: "/cloud" }),
      lambdaContext(),
    );
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body).error).toMatch(/served by the local cloud's dashboard origin/);
    expect(res.headers?.["access-control-allow-origin"]).toBe("*");
  });
});
