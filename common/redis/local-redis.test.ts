import { describe, expect, it } from "vitest";
import { localRedisDataDir, redisDataDir } from "./local-redis";

describe("Redis's data folder", () => {
  it("is <state folder>/redis, the state folder relative to the service unless absolute", () => {
    expect(redisDataDir("/srv/app", ".local-cloud")).toBe("/srv/app/.local-cloud/redis");
    expect(redisDataDir("/srv/app", "/var/state")).toBe("/var/state/redis");
  });

  it("is read from LOCAL_CLOUD_STATE_DIR by the scripts as by the plugin", () => {
    expect(localRedisDataDir("/srv/app", {})).toBe("/srv/app/.local-cloud/redis");
    expect(localRedisDataDir("/srv/app", { LOCAL_CLOUD_STATE_DIR: "" })).toBe(
      "/srv/app/.local-cloud/redis",
    );
    expect(localRedisDataDir("/srv/app", { LOCAL_CLOUD_STATE_DIR: " /var/state " })).toBe(
      "/var/state/redis",
    );
  });

  it("is none for an ephemeral Redis (none): it keeps no data to reset", () => {
    expect(localRedisDataDir("/srv/app", { LOCAL_CLOUD_STATE_DIR: "none" })).toBeUndefined();
    expect(localRedisDataDir("/srv/app", { LOCAL_CLOUD_STATE_DIR: " none " })).toBeUndefined();
  });
});
