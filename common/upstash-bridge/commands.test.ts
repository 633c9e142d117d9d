import { describe, expect, it } from "vitest";
import { refusal } from "./commands";

const strict = { allowAllCommands: false };
const permissive = { allowAllCommands: true };

describe("refusal", () => {
  it("allows the data commands DockerCoins and the client use", () => {
    const commands = [
      ["incrby", "hashes", "4"],
      ["HSET", "wallet", "abc", "coin"],
      ["hlen", "wallet"],
      ["hgetall", "wallet"],
      ["get", "hashes"],
      ["set", "k", "v", "EX", "10"],
      ["time"],
      ["ping"],
      ["scan", "0", "MATCH", "x*"],
      ["zadd", "z", "1", "m"],
      ["xread", "COUNT", "10", "STREAMS", "block", "0"],
    ];
    for (const command of commands) expect(refusal(command, strict)).toBeNull();
  });

  it("refuses admin and whole-database commands by default, case-insensitively", () => {
    const admin =
      "flushall flushdb config keys eval evalsha script function debug shutdown save bgsave " +
      "bgrewriteaof replicaof slaveof migrate module acl client dump restore move swapdb";
    for (const name of admin.split(" ")) {
      expect(refusal([name.toUpperCase(), "x"], strict)).toBe(
        `ERR command '${name}' is not allowed by the local bridge (set allowAllCommands)`,
      );
    }
  });

  it("refuses unknown commands by default, so new Redis commands start out refused", () => {
    expect(refusal(["somefuturecommand"], strict)).toMatch(/is not allowed by the local bridge/);
  });

  it("lets allowAllCommands through admin commands", () => {
    expect(refusal(["flushall"], permissive)).toBeNull();
    expect(refusal(["config", "get", "save"], permissive)).toBeNull();
  });

  it("always refuses commands that would block or change the shared connection", () => {
    const bound =
      "multi exec discard watch unwatch select quit reset hello auth monitor subscribe " +
      "psubscribe ssubscribe unsubscribe blpop brpop blmove bzpopmin wait";
    for (const name of bound.split(" ")) {
      expect(refusal([name, "x"], permissive)).toMatch(
        new RegExp(`^ERR command '${name}' is not supported by the local bridge`),
      );
    }
    expect(refusal(["multi"], strict)).toMatch(/use redis\.multi\(\) for transactions/);
  });

  it("refuses XREAD/XREADGROUP only when they would block", () => {
    expect(refusal(["xread", "BLOCK", "0", "STREAMS", "s", "$"], permissive)).toMatch(
      /not supported/,
    );
    const group = ["xreadgroup", "GROUP", "g", "c", "block", "100", "STREAMS", "s", ">"];
    expect(refusal(group, strict)).toMatch(/not supported/);
    expect(refusal(["xread", "STREAMS", "s", "0"], strict)).toBeNull();
  });
});
