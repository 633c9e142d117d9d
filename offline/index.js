// Entry point that serverless loads for the `./offline` plugin. The plugin is TypeScript;
// Node 20 cannot load .ts, so it is bundled with esbuild on load (about 50 ms) into
// node_modules/.cache. No separate build step stands between `npm install` and `npm start`.
const { buildSync } = require("esbuild");
const { readFileSync } = require("node:fs");
const path = require("node:path");

const dependencyNames = (manifest) =>
  Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });

// Packages stay in node_modules, except fauxqs: it is ESM-only, and bundling it into this
// CommonJS file is what lets serverless require() the plugin. Its own dependencies stay out.
const external = [
  ...dependencyNames(require("../package.json")),
  ...dependencyNames(
    JSON.parse(
      readFileSync(path.join(__dirname, "..", "node_modules", "fauxqs", "package.json"), "utf8"),
    ),
  ),
].filter((name) => name !== "fauxqs");

const outfile = path.join(
  __dirname,
  "..",
  "node_modules",
  ".cache",
  "dockercoins-offline",
  "plugin.js",
);
buildSync({
  entryPoints: [path.join(__dirname, "plugin.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  external,
  logLevel: "warning",
});
module.exports = require(outfile).LocalCloudPlugin;
