import { describe, expect, it } from "vitest";
import { apiUrl, parseConfig, SAME_ORIGIN } from "./config";

describe("the page's config", () => {
  it("takes the deployed API base, without a trailing slash", () => {
    const config = parseConfig({
      apiBase: "https://abc.execute-api.us-east-1.amazonaws.com/prod/",
    });
    expect(config.apiBase).toBe("https://abc.execute-api.us-east-1.amazonaws.com/prod");
    // A deployed API is not asked for the cloud report unless its config says it has one.
    expect(config.cloudReport).toBe(false);
    expect(parseConfig({ apiBase: "https://api.example", cloudReport: true }).cloudReport).toBe(
      true,
    );
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
    expect(SAME_ORIGIN.cloudReport).toBe(true); // the local cloud's dashboard origin serves it
  });

  it("takes the scale token the local cloud hands its page, and nothing empty", () => {
    expect(parseConfig({ apiBase: "", scaleToken: " abc " })).toEqual({
      ...SAME_ORIGIN,
      scaleToken: "abc",
    });
    expect(parseConfig({ apiBase: "https://api.example", scaleToken: "t" }).scaleToken).toBe("t");
    expect(parseConfig({ scaleToken: "" })).toEqual(SAME_ORIGIN);
    expect(parseConfig({ scaleToken: 42 })).toEqual(SAME_ORIGIN);
  });
});
