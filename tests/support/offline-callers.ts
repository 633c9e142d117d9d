import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Every `x.member` where `x` holds one of serverless-offline's LambdaFunctions, by source file
 * under `srcDir` (its src/): what its callers use of the class the local runner takes over.
 */
export function lambdaFunctionUses(srcDir: string): Record<string, string[]> {
  const uses: Record<string, string[]> = {};
  const files = readdirSync(srcDir, { recursive: true, encoding: "utf8" }).filter((f) =>
    f.endsWith(".js"),
  );
  for (const file of files) {
    const source = readFileSync(join(srcDir, file), "utf8");
    // Variables given a pool's instance: `const x = this.#lambda.get(…)`, `new LambdaFunction(`.
    const holders = new Set(["lambdaFunction"]);
    for (const match of source.matchAll(
      /(?:const|let)\s+(\w+)\s*=\s*(?:this\.#)?lambda\.(?:get|getByFunctionName)\(/g,
    )) {
      holders.add(match[1] as string);
    }
    const members = new Set<string>();
    for (const holder of holders) {
      for (const match of source.matchAll(new RegExp(`\\b${holder}\\.(\\w+)`, "g"))) {
        members.add(match[1] as string);
      }
      // `const { idleTimeInMillis, status } = lambdaFunction`
      for (const match of source.matchAll(
        new RegExp(`\\{([\\w\\s,]+)\\}\\s*=\\s*${holder}\\b`, "g"),
      )) {
        for (const name of (match[1] as string).split(",")) members.add(name.trim());
      }
    }
    // The pool's `Array.from(lambdaFunctions).find(({ status }) => …)` over its instances.
    for (const match of source.matchAll(/lambdaFunctions\)\.\w+\(\(\{([\w\s,]+)\}\)/g)) {
      for (const name of (match[1] as string).split(",")) members.add(name.trim());
    }
    if (members.size > 0) uses[file] = [...members].sort();
  }
  return uses;
}
