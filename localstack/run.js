// Runs one LocalStack script: `node localstack/run.js <up|down|deploy|smoke|remove>` (the
// npm scripts localstack:up, deploy:local, …). The scripts are TypeScript; Node 20 cannot
// load .ts, so each is bundled with esbuild (about 100 ms) into node_modules/.cache first, as
// offline/index.js does for the plugin. A failure prints one line naming it and exits 1.
const { buildSync } = require("esbuild");
const path = require("node:path");

const commands = ["up", "down", "deploy", "smoke", "remove"];
const command = process.argv[2] ?? "";
if (!commands.includes(command)) {
  console.error(`usage: node localstack/run.js <${commands.join("|")}>`);
  process.exit(2);
}

// The SDK warns that Node 20 support ends in 2027; Lambda runs Node 22, the scripts need not say.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const manifest = require("../package.json");
const outfile = path.join(
  __dirname,
  "..",
  "node_modules",
  ".cache",
  "dockercoins-localstack",
  `${command}.js`,
);
buildSync({
  entryPoints: [path.join(__dirname, "scripts", `${command}.ts`)],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  external: Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }),
  // The bundle runs from the cache folder; the scripts find the project from their own.
  define: { __dirname: JSON.stringify(path.join(__dirname, "scripts")) },
  logLevel: "warning",
});

require(outfile)
  .main()
  .catch((err) => {
    console.error(`[localstack] ✖ ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
