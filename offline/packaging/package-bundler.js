/**
 * serverless-esbuild, for every command except `serverless offline`: it bundles the functions
 * for `serverless package` and `deploy` (LocalStack, AWS). Under `serverless offline` the
 * local cloud bundles them itself (offline/serverless/function-bundles.ts), and
 * serverless-esbuild is not loaded at all: loading it alone (effect, @effect/platform, ramda,
 * archiver) costs the local cloud's process about 80 MB of memory and a second of start-up,
 * for nothing it needs there.
 */
module.exports = class PackageBundler {
  constructor(serverless, options, utils) {
    if (serverless.processedInput?.commands?.[0] === "offline") {
      this.hooks = {};
      return;
    }
    const ServerlessEsbuild = require("serverless-esbuild");
    // A constructor that returns an object makes that object the plugin serverless registers.
    // biome-ignore lint/correctness/noConstructorReturn: this is the point of this class
    return new ServerlessEsbuild(serverless, options, utils);
  }
};
