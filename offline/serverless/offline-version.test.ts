import { describe, expect, it } from "vitest";
import {
  checkOfflineVersion,
  OfflineVersionError,
  SERVERLESS_OFFLINE_VERSION,
} from "./offline-version";

const dir = "/project/node_modules/serverless-offline";

describe("the serverless-offline version guard", () => {
  it("lets the version it was written for through", () => {
    expect(() => checkOfflineVersion(SERVERLESS_OFFLINE_VERSION, dir)).not.toThrow();
  });

  it.each(["13.10.2", "13.9.0", "14.7.4", "13.10.1-beta.1", ""])(
    "refuses %j, naming both versions, as a user error osls prints without a stack",
    (installed) => {
      let error: unknown;
      try {
        checkOfflineVersion(installed, dir, "13.10.1");
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(OfflineVersionError);
      const refusal = error as OfflineVersionError;
      expect(refusal.name).toBe("ServerlessError");
      expect(refusal.code).toBe("DOCKERCOINS_SERVERLESS_OFFLINE_VERSION");
      expect(refusal.message).toContain("written for serverless-offline 13.10.1");
      expect(refusal.message).toContain(`but ${installed} is installed (${dir})`);
      expect(refusal.message).toContain("npm ci");
    },
  );

  it("compares against the constant by default", () => {
    expect(() => checkOfflineVersion("0.0.0", dir)).toThrow(
      `written for serverless-offline ${SERVERLESS_OFFLINE_VERSION}, but 0.0.0 is installed`,
    );
  });
});
