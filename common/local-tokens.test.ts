import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCAL_REDIS_REST_TOKEN, LOCAL_SCALE_TOKEN } from "./local-tokens";
import { projectRoot } from "./project";

// serverless.yml writes its defaults as `${env:NAME, "default"}`; read them as text, since
// resolving the file needs the framework.
function yamlDefault(stage: string, param: string): string | undefined {
  const text = readFileSync(join(projectRoot, "serverless.yml"), "utf8");
  const block = new RegExp(`\\n  ${stage}:\\n((?:    .*\\n|\\s*#.*\\n)+)`).exec(text)?.[1] ?? "";
  return new RegExp(`\\n?    ${param}: \\$\\{env:\\w+, "([^"]+)"\\}`).exec(block)?.[1];
}

describe("local tokens", () => {
  it.each(["dev", "local"])("serverless.yml params.%s repeats them exactly", (stage) => {
    expect(yamlDefault(stage, "redisRestToken")).toBe(LOCAL_REDIS_REST_TOKEN);
    expect(yamlDefault(stage, "scaleToken")).toBe(LOCAL_SCALE_TOKEN);
  });
});
