/**
 * serverless-esbuild, for every command except `serverless offline`: it bundles the functions
 * for `serverless package` and `deploy` (LocalStack, AWS). Under `serverless offline` the
 * local cloud bundles them itself (offline/serverless/function-bundles.ts), and
 * serverless-esbuild is not loaded at all: loading it alone (effect, @effect/platform, ramda,
 * archiver) costs the local cloud's process about 80 MB of memory and a second of start-up,
 * for nothing it needs there.
 *
 * serverless-esbuild 1.57 zips each function from a folder it makes in the system's temporary
 * folder (`<function>-<pid>-<ms>-<hex>`) and means to delete it afterwards, but its delete is
 * not recursive and its failure is ignored, so every package run left one folder per function
 * behind. This plugin deletes this process's ones once the artifacts are made, and at exit.
 */
const { readdirSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

/** The zip folders serverless-esbuild made in this process (see above); pure. */
function zipFoldersOf(names, functionNames, pid) {
  const pattern = new RegExp(`^(.+)-${pid}-\\d+-[0-9a-f]{8}$`);
  return names.filter((name) => functionNames.has(pattern.exec(name)?.[1] ?? ""));
}

function removeZipFolders(functionNames) {
  const dir = tmpdir();
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of zipFoldersOf(names, functionNames, process.pid)) {
    rmSync(join(dir, name), { recursive: true, force: true });
  }
}

class PackageBundler {
  constructor(serverless, options, utils) {
    if (serverless.processedInput?.commands?.[0] === "offline") {
      this.hooks = {};
      return;
    }
    const ServerlessEsbuild = require("serverless-esbuild");
    const bundler = new ServerlessEsbuild(serverless, options, utils);
    const functionNames = new Set(Object.keys(serverless.service.functions ?? {}));
    const cleanUp = () => removeZipFolders(functionNames);
    process.once("exit", cleanUp);
    for (const hook of [
      "after:package:createDeploymentArtifacts",
      "after:deploy:function:packageFunction",
    ]) {
      const original = bundler.hooks[hook];
      bundler.hooks[hook] = async () => {
        try {
          if (original) await original();
        } finally {
          cleanUp();
        }
      };
    }
    // A constructor that returns an object makes that object the plugin serverless registers.
    // biome-ignore lint/correctness/noConstructorReturn: this is the point of this class
    return bundler;
  }
}

module.exports = PackageBundler;
module.exports.zipFoldersOf = zipFoldersOf;
