import { describe, expect, it } from "vitest";
import { projectRoot } from "../../common/project";
import { FunctionSourceError, handlerSource, isFunctionSource } from "./function-bundles";

describe("function bundles", () => {
  it("finds a handler's TypeScript source and names its bundle like serverless-esbuild", () => {
    const { entry, out } = handlerSource(projectRoot, "functions/rng/handler.handler");
    expect(entry).toBe(`${projectRoot}/functions/rng/handler.ts`);
    expect(out).toBe("functions/rng/handler");
    expect(() => handlerSource(projectRoot, "functions/nope/handler.handler")).toThrow(
      FunctionSourceError,
    );
  });

  it("rebuilds for function sources, not for tests or the dashboard's browser code", () => {
    expect(isFunctionSource("worker/mining.ts")).toBe(true);
    expect(isFunctionSource("worker/mining.test.ts")).toBe(false);
    expect(isFunctionSource("webui/site/src/main.ts")).toBe(false);
    expect(isFunctionSource("webui/site/style.css")).toBe(false);
  });
});
