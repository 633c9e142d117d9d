import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RedisServerStartError } from "./server";
import { explainRefusedData, LocalCloudStateError, prepareStateFolder } from "./state-folder";

const scratch = mkdtempSync(join(tmpdir(), "dockercoins-state-folder-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("prepareStateFolder", () => {
  it("creates a new folder, recognises kept data, and empties it when fresh", () => {
    const dir = join(scratch, "a", "redis");
    expect(prepareStateFolder(dir, false)).toBe("empty");
    writeFileSync(join(dir, "appendonly.aof"), "data");
    expect(prepareStateFolder(dir, false)).toBe("kept");
    expect(prepareStateFolder(dir, true)).toBe("reset");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses a folder it cannot use, naming it, the setting and the reset command", () => {
    const file = join(scratch, "file");
    writeFileSync(file, "");
    const dir = join(file, "redis");
    expect(() => prepareStateFolder(dir, false)).toThrow(LocalCloudStateError);
    expect(() => prepareStateFolder(dir, false)).toThrow(
      `cannot keep Redis's data in ${dir} (ENOTDIR): make that folder writable, or choose another one with LOCAL_CLOUD_STATE_DIR, or start from zero (npm run reset or npm start -- --fresh)`,
    );
    expect(() =>
      prepareStateFolder(dir, false, { setting: "X_DIR", reset: "npm run x -- --reset" }),
    ).toThrow(/another one with X_DIR, or start from zero \(npm run x -- --reset\)/);
  });
});

describe("explainRefusedData", () => {
  const refused = new RedisServerStartError("redis-server exited (1) during startup", [
    "1:C 06 Dec 2026 09:24:31.695 # Configuration loaded",
    "1:M 06 Dec 2026 09:24:31.697 # Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup",
  ]);

  it("says Redis refused the kept data, why, and how to start from zero", () => {
    const dir = join(scratch, "kept");
    mkdirSync(dir);
    const err = explainRefusedData(refused, dir, "kept");
    expect(err).toBeInstanceOf(LocalCloudStateError);
    expect((err as Error).message).toBe(
      `redis-server refused the data kept in ${dir}: Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup. The data is left as it is: repair it with redis-check-aof --fix, or start from zero (npm run reset or npm start -- --fresh; deletes it)`,
    );
  });

  it("leaves other failures as they are: no data kept, or the port taken", () => {
    expect(explainRefusedData(refused, scratch, "empty")).toBe(refused);
    const inUse = new RedisServerStartError("exited", ["# Address already in use"]);
    expect(explainRefusedData(inUse, scratch, "kept")).toBe(inUse);
  });
});
