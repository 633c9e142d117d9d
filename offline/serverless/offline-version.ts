/**
 * The one serverless-offline release the local cloud is written for. offline-internals.ts
 * reaches past serverless-offline's public `exports` (its LambdaFunction class, its log
 * utilities): nothing there is promised to stay the same from one release to the next, so the
 * local cloud refuses to start on any other version rather than patch something that moved.
 *
 * To move to another release: install it exactly (package.json pins it), read the members
 * tests/integration/offline-contract.test.ts lists against its source, run that test and the
 * integration suite, then change the constant below.
 */
export const SERVERLESS_OFFLINE_VERSION = "13.10.1";

/** serverless-offline is installed in a version the local cloud was not written for. */
export class OfflineVersionError extends Error {
  // osls prints errors of this name as the user's mistake: the message, without a stack trace.
  override readonly name = "ServerlessError";
  readonly code = "DOCKERCOINS_SERVERLESS_OFFLINE_VERSION";

  constructor(
    readonly installed: string,
    readonly expected: string,
    readonly packageDir: string,
  ) {
    super(
      `the local cloud is written for serverless-offline ${expected}, but ${installed} is ` +
        `installed (${packageDir}). It takes over serverless-offline's internals, which change ` +
        `between releases, so it does not start on another version. Run \`npm ci\` to install ` +
        `the version package.json pins (${expected}); see offline/serverless/offline-version.ts ` +
        "to move to another one.",
    );
  }
}

/** Throws OfflineVersionError unless `installed` is exactly `expected`. */
export function checkOfflineVersion(
  installed: string,
  packageDir: string,
  expected: string = SERVERLESS_OFFLINE_VERSION,
): void {
  if (installed !== expected) throw new OfflineVersionError(installed, expected, packageDir);
}
