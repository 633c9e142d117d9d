/**
 * Entry point that serverless loads for the `./offline` plugin. The plugin is TypeScript,
 * loaded through the project's one TypeScript runner (common/run-ts.cjs). fauxqs is bundled
 * into it: it is ESM-only, and serverless require()s plugins.
 */
const { join } = require("node:path");
const { requireTypeScript } = require("../common/run-ts.cjs");

module.exports = requireTypeScript(join(__dirname, "plugin.ts"), {
  bundlePackages: ["fauxqs"],
}).LocalCloudPlugin;
