import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  keepLocalTokens,
  LocalTokensError,
  localCloudTokensDir,
  parseStateDir,
  readLocalTokens,
  stateDirSetting,
  stateFolderPath,
  TOKENS_FILE,
  tokensOrExplain,
} from "./local-tokens";
import { projectRoot } from "./project";

const scratch = () => mkdtempSync(join(tmpdir(), "dockercoins-tokens-"));

describe("local tokens", () => {
  it("are made random at the first start, kept for the owner only, and kept after", () => {
    const dir = scratch();
    expect(readLocalTokens(dir)).toBeUndefined();
    const first = keepLocalTokens(dir);
    expect(first.made).toBe(true);
    expect(first.tokens.redisRestToken).toMatch(/^[\w-]{43}$/); // 32 bytes, base64url
    expect(first.tokens.scaleToken).toMatch(/^[\w-]{43}$/);
    expect(first.tokens.scaleToken).not.toBe(first.tokens.redisRestToken);
    expect(statSync(join(dir, TOKENS_FILE)).mode & 0o777).toBe(0o600);
    const again = keepLocalTokens(dir);
    expect(again).toEqual({ tokens: first.tokens, made: false });
    expect(readLocalTokens(dir)).toEqual(first.tokens);
  });

  it("differ from one state folder to another, and are new each time when renewed", () => {
    const a = keepLocalTokens(scratch()).tokens;
    const b = keepLocalTokens(scratch()).tokens;
    expect(a.scaleToken).not.toBe(b.scaleToken);
    const dir = scratch();
    const kept = keepLocalTokens(dir).tokens;
    const renewed = keepLocalTokens(dir, { renew: true });
    expect(renewed.made).toBe(true);
    expect(renewed.tokens.scaleToken).not.toBe(kept.scaleToken);
  });

  it("refuse a damaged file, naming it, rather than replacing it silently", () => {
    const dir = scratch();
    writeFileSync(join(dir, TOKENS_FILE), '{"scaleToken": "short"}');
    expect(() => keepLocalTokens(dir)).toThrow(LocalTokensError);
    expect(() => readLocalTokens(dir)).toThrow(join(dir, TOKENS_FILE));
    expect(readFileSync(join(dir, TOKENS_FILE), "utf8")).toBe('{"scaleToken": "short"}');
  });

  it("tell a command where they would be when the local cloud never started", () => {
    const dir = scratch();
    expect(() => tokensOrExplain(dir, "npm start")).toThrow(
      /npm start makes them at its first start/,
    );
  });

  it("live in the state folder, or a runtime folder when the state is ephemeral", () => {
    expect(localCloudTokensDir("/srv/app", ".local-cloud")).toBe("/srv/app/.local-cloud");
    expect(localCloudTokensDir("/srv/app", "/var/state")).toBe("/var/state");
    expect(localCloudTokensDir("/srv/app", undefined)).toBe(
      "/srv/app/node_modules/.cache/dockercoins-local-cloud",
    );
    expect(stateDirSetting({})).toBe(".local-cloud");
    expect(stateDirSetting({ LOCAL_CLOUD_STATE_DIR: "none" })).toBeUndefined();
    expect(stateDirSetting({ LOCAL_CLOUD_STATE_DIR: "/x" })).toBe("/x");
  });

  it("read LOCAL_CLOUD_STATE_DIR one way: trimmed, empty means the default, none ephemeral", () => {
    expect(parseStateDir(undefined)).toBe(".local-cloud");
    expect(parseStateDir("")).toBe(".local-cloud");
    expect(parseStateDir("  ")).toBe(".local-cloud");
    expect(parseStateDir(" none ")).toBeUndefined();
    expect(parseStateDir(" state ")).toBe("state");
    expect(stateFolderPath("/srv/app", "state")).toBe("/srv/app/state");
    expect(stateFolderPath("/srv/app", "/var/state")).toBe("/var/state");
  });

  it("are written nowhere in the project: no fixed token works on a local stage", () => {
    // The tokens the project once printed in its docs, and any like them.
    const grep = spawnSync(
      "git",
      [
        "grep",
        "-n",
        "-E",
        "dockercoins-local(-scale)?-token",
        "--",
        ":!common/local-tokens.test.ts",
        ":!tests/e2e/walls.test.ts", // the foreign page tries them, and is refused
      ],
      { cwd: projectRoot, encoding: "utf8" },
    );
    expect(grep.stdout).toBe("");
    expect(grep.status).toBe(1); // git grep: nothing found
  }, 10_000);
});
