import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors";
import { choiceSetting, intSetting, portSetting, positiveNumberSetting } from "./settings";

describe("settings", () => {
  it("reads an integer within its range, or names the variable", () => {
    expect(intSetting({ N: " 7 " }, "N", { min: 0, max: 9 })).toBe(7);
    expect(intSetting({}, "N", { default: 3, min: 0, max: 9 })).toBe(3);
    expect(() => intSetting({ N: "1.5" }, "N", { min: 0, max: 9 })).toThrow(
      'N must be an integer, got "1.5"',
    );
    expect(() => intSetting({ N: "10" }, "N", { min: 0, max: 9 })).toThrow(ConfigError);
  });

  it("reads a TCP port", () => {
    expect(portSetting({ P: "8000" }, "P", 1)).toBe(8000);
    expect(portSetting({ P: "" }, "P", 3000)).toBe(3000);
    for (const bad of ["0", "65536", "80.5", "-1", "http"]) {
      expect(() => portSetting({ P: bad }, "P", 1)).toThrow(
        `P must be a TCP port (1-65535), got "${bad}"`,
      );
    }
  });

  it("reads a positive number, fractions allowed", () => {
    expect(positiveNumberSetting({ S: "0.5" }, "S", 9)).toBe(0.5);
    expect(positiveNumberSetting({}, "S", 9)).toBe(9);
    for (const bad of ["0", "-2", "Infinity", "ten"]) {
      expect(() => positiveNumberSetting({ S: bad }, "S", 9)).toThrow(/^S must be a positive/);
    }
  });

  it("reads one of a list of words, the first by default", () => {
    const modes = ["auto", "docker", "host"] as const;
    expect(choiceSetting({ M: "host" }, "M", modes)).toBe("host");
    expect(choiceSetting({}, "M", modes)).toBe("auto");
    expect(() => choiceSetting({ M: "k8s" }, "M", modes)).toThrow(
      'M must be one of auto, docker, host, got "k8s"',
    );
  });
});
