#!/usr/bin/env node
/**
 * The one TypeScript runner of the project. Node 20 cannot load .ts, so every entry point that
 * is TypeScript (the offline plugin, the LocalStack scripts, benchmarks, `npm run scale`, test
 * helpers that start a function in a process of its own) is bundled here with esbuild, into
 * node_modules/.cache/dockercoins-ts/, and loaded from there. Bundling takes 50–150 ms, so no
 * build step stands between `npm install` and any command.
 *
 *   node common/run-ts.cjs <file.ts> [args…]   runs it: its `main(args)` if it exports one
 *   require("./common/run-ts.cjs").requireTypeScript(file, options)   loads it as a module
 *
 * CommonJS on purpose: serverless require()s its plugins synchronously.
 */
// esbuild's synchronous API otherwise keeps a worker thread and a helper process alive for
// the life of the process that called it: in the local cloud, tens of MB for one build.
process.env.ESBUILD_WORKER_THREADS ??= "0";
const { buildSync } = require("esbuild");
const { existsSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const projectRoot = path.join(__dirname, "..");
const cacheDir = path.join(projectRoot, "node_modules", ".cache", "dockercoins-ts");

function dependencyNames(manifestPath) {
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  return Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
}

/**
 * Packages stay in node_modules, except those named in `bundlePackages` (an ESM-only package
 * such as fauxqs cannot be require()d from CommonJS, but bundled it can). Their own
 * dependencies stay out.
 */
function externalPackages(bundlePackages) {
  const names = dependencyNames(path.join(projectRoot, "package.json"));
  for (const name of bundlePackages) {
    names.push(...dependencyNames(path.join(projectRoot, "node_modules", name, "package.json")));
  }
  return names.filter((name) => !bundlePackages.includes(name));
}

/** Every input file of a bundle with its modification time, as esbuild's metafile lists them. */
function inputStamps(metafile) {
  return Object.fromEntries(
    Object.keys(metafile.inputs).map((input) => {
      const file = path.resolve(projectRoot, input);
      return [file, statSync(file).mtimeMs];
    }),
  );
}

/** True when the bundle exists, was built alike, and none of its inputs changed since. */
function isFresh(outfile, stampsFile, bundlePackages) {
  if (!existsSync(outfile) || !existsSync(stampsFile)) return false;
  try {
    const { packages, inputs } = JSON.parse(readFileSync(stampsFile, "utf8"));
    if (JSON.stringify(packages) !== JSON.stringify(bundlePackages)) return false;
    return Object.entries(inputs).every(([file, mtimeMs]) => statSync(file).mtimeMs === mtimeMs);
  } catch {
    return false; // an input was deleted, or the stamps are unreadable: build again
  }
}

/**
 * Bundles `entry` (a .ts file) into one CommonJS file in the cache and returns its path. A
 * bundle whose inputs have not changed since it was built is reused (no esbuild run at all).
 */
function bundleTypeScript(entry, options = {}) {
  const absolute = path.resolve(entry);
  const name = path.relative(projectRoot, absolute).replace(/[\\/]/g, "__").replace(/\.ts$/, "");
  const outfile = path.join(cacheDir, `${name}.cjs`);
  const stampsFile = `${outfile}.inputs.json`;
  const bundlePackages = options.bundlePackages ?? [];
  if (isFresh(outfile, stampsFile, bundlePackages)) return outfile;
  // Written beside its final name, then renamed: a second process loading the same entry at
  // the same moment (two test files, a bench and a test) never reads a half-written file.
  const temporary = `${outfile}.${process.pid}.tmp`;
  const { metafile } = buildSync({
    entryPoints: [absolute],
    outfile: temporary,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: externalPackages(bundlePackages),
    absWorkingDir: projectRoot,
    metafile: true,
    logLevel: "warning",
  });
  renameSync(temporary, outfile);
  const stamps = { packages: bundlePackages, inputs: inputStamps(metafile) };
  writeFileSync(`${stampsFile}.${process.pid}.tmp`, JSON.stringify(stamps));
  renameSync(`${stampsFile}.${process.pid}.tmp`, stampsFile);
  return outfile;
}

/** Loads a TypeScript module (bundled as above) and returns its exports. */
function requireTypeScript(entry, options = {}) {
  return require(bundleTypeScript(entry, options));
}

/**
 * Runs a TypeScript entry point as a command. `process.argv` is what the script would see if
 * Node ran it directly. A script that exports `main` has it awaited; a failure prints one
 * line (`✖ message`, after `options.label` or the script's exported `label`) and exits 1.
 */
async function runTypeScript(entry, args, options = {}) {
  process.argv = [process.argv[0], path.resolve(entry), ...args];
  // The AWS SDK warns that its 2027 releases need Node 22; Lambda runs 24, scripts need not say.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const loaded = requireTypeScript(entry);
  if (typeof loaded.main !== "function") return;
  try {
    await loaded.main(args);
  } catch (err) {
    const label = options.label ?? loaded.label;
    const prefix = typeof label === "string" ? `${label} ` : "";
    console.error(`${prefix}✖ ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

module.exports = { bundleTypeScript, requireTypeScript, runTypeScript };

if (require.main === module) {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    console.error("usage: node common/run-ts.cjs <file.ts> [args…]");
    process.exit(2);
  }
  void runTypeScript(entry, args);
}
