import { describe, expect, it } from "vitest";
import { apiUrl, parseConfig, SAME_ORIGIN } from "./config";

describe("the page's config", () => {
  it("takes the deployed API base, without a trailing slash", () => {
    const config = parseConfig({
      apiBase: "https://abc.execute-api.us-east-1.amazonaws.com/prod/",
    });
    expect(config.apiBase).toBe("https://abc.execute-api.us-east-1.amazonaws.com/prod");
    expect(apiUrl(config, "json")).toBe(
      "https://abc.execute-api.us-east-1.amazonaws.com/prod/json",
    );
  });

  it("uses the same origin (relative URLs) when there is no usable base", () => {
    for (const raw of [
      null,
      "x",
      {},
      { apiBase: "" },
      { apiBase: 3 },
      { apiBase: "javascript:alert(1)" },
    ]) {
      expect(parseConfig(raw)).toEqual(SAME_ORIGIN);
    }
    expect(apiUrl(SAME_ORIGIN, "workers")).toBe("workers");
  });
});
