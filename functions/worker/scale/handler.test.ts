import { beforeAll, describe, expect, it } from "vitest";
import { setFunctionEnvironment, unreachableEnv } from "../../../tests/fixtures/function-env";
import { apiEvent, lambdaContext } from "../../../tests/fixtures/lambda-events";

type Handler = typeof import("./handler")["handler"];
let handler: Handler;

beforeAll(async () => {
  setFunctionEnvironment({ ...unreachableEnv, DASHBOARD_ORIGIN: "http://127.0.0.1:8000" });
  ({ handler } = await import("./handler"));
});

const put = (body: string, authorization?: string) =>
  handler(
    apiEvent({
      httpMethod: "PUT",
      path: "/workers",
      body,
      headers: authorization ? { Authorization: authorization } : {},
    }),
    lambdaContext(),
  );

describe("scale handler", () => {
  it("answers 401 JSON without the right bearer token, with CORS for the dashboard", async () => {
    for (const auth of [undefined, "Bearer wrong", "unit-test-scale-token"]) {
      const res = await put('{"replicas": 2}', auth);
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body).error).toMatch(/Authorization: Bearer/);
      expect(res.headers?.["access-control-allow-origin"]).toBe("http://127.0.0.1:8000");
    }
  });

  it("answers 400 JSON for a bad replica count", async () => {
    const res = await put('{"replicas": 51}', "Bearer unit-test-scale-token");
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toMatch(/from 0 to 50/);
  });

  it("answers 503 JSON, not a crash, when Redis cannot be reached", async () => {
    const res = await put('{"replicas": 2}', "Bearer unit-test-scale-token");
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body).error).toMatch(/unavailable/);
  });
});
