/**
 * Runs one LocalStack script: `node localstack/run.js <up|down|deploy|smoke|remove|host-tests>`
 * (the npm scripts localstack:up, deploy:local, test:host-executor, …), through the project's
 * TypeScript runner. A failure
 * prints one line naming it (`[localstack] ✖ …`) and exits 1.
 */
const { join } = require("node:path");
const { runTypeScript } = require("../common/run-ts.cjs");

const commands = ["up", "down", "deploy", "smoke", "remove", "host-tests"];
const command = process.argv[2] ?? "";
if (!commands.includes(command)) {
  console.error(`usage: node localstack/run.js <${commands.join("|")}>`);
  process.exit(2);
}
void runTypeScript(join(__dirname, "scripts", `${command}.ts`), process.argv.slice(3), {
  label: "[localstack]",
});
