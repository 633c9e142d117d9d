import { describe, expect, it } from "vitest";
import { endpointPort, websiteHost } from "./stack";

describe("endpointPort", () => {
  it("is the endpoint's port, else its scheme's default", () => {
    expect(endpointPort("http://127.0.0.1:4566")).toBe(4566);
    expect(endpointPort("http://127.0.0.1")).toBe(80);
    expect(endpointPort("https://localstack.example")).toBe(443);
    expect(websiteHost("http://127.0.0.1:4570")).toMatch(/\.localhost\.localstack\.cloud:4570$/);
  });
});
