import { describe, expect, it } from "vitest";
import { cfnLintSettings, sharedCacheDir } from "../common/command-environment";
import { CFN_LINT_VERSION, cfnLintDir, describeCfnLintExit, templateVariants } from "./lint-cfn";

describe("npm run lint:cfn", () => {
  it("checks dev, local in Docker and in host mode, and prod, each in a folder of its own", () => {
    const variants = templateVariants();
    expect(variants.map((v) => [v.name, v.stage])).toEqual([
      ["dev", "dev"],
      ["local-docker", "local"],
      ["local-host", "local"],
      ["prod", "prod"],
    ]);
    const host = variants.find((v) => v.name === "local-host");
    expect(host?.args).toContain("--param=functionsRunOn=host");
    expect(variants.find((v) => v.name === "local-docker")?.args).toEqual([]);
  });

  it("packages prod with the Upstash and scale settings an AWS deploy requires", () => {
    const prod = templateVariants().find((v) => v.name === "prod");
    expect(Object.keys(prod?.env ?? {}).sort()).toEqual([
      "SCALE_TOKEN",
      "UPSTASH_REDIS_REST_TOKEN",
      "UPSTASH_REDIS_REST_URL",
    ]);
    expect(prod?.env.UPSTASH_REDIS_REST_URL).toMatch(/^https:\/\//);
  });

  it.each([
    [0, "clean"],
    [2, "errors"],
    [4, "warnings"],
    [6, "errors, warnings"],
    [8, "informational findings"],
    [14, "errors, warnings, informational findings"],
    [1, "cfn-lint failed (exit code 1)"],
  ])("reads cfn-lint's exit code %i as %j", (code, meaning) => {
    expect(describeCfnLintExit(code)).toBe(meaning);
  });

  it("keeps cfn-lint in a virtualenv outside the clone, named by its pinned version", () => {
    const settings = cfnLintSettings({ HOME: "/home/u" });
    expect(settings).toEqual({ python: "python3", cacheDir: "/home/u/.cache/dockercoins" });
    expect(cfnLintDir(settings.cacheDir)).toBe(
      `/home/u/.cache/dockercoins/cfn-lint-${CFN_LINT_VERSION}`,
    );
    expect(sharedCacheDir({ XDG_CACHE_HOME: "/c", HOME: "/home/u" })).toBe("/c/dockercoins");
    expect(cfnLintSettings({ HOME: "/h", CFN_LINT_PYTHON: "/py/bin/python" }).python).toBe(
      "/py/bin/python",
    );
  });
});
