import { describe, expect, it } from "vitest";
import { detectPlatform, installCommand, parseOsRelease } from "./platform";

const DEBIAN = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
ID=debian
`;
const UBUNTU = `PRETTY_NAME="Ubuntu 24.04.1 LTS"
ID=ubuntu
ID_LIKE=debian
`;
const MINT = `PRETTY_NAME="Linux Mint 22"
ID=linuxmint
ID_LIKE="ubuntu debian"
`;
const FEDORA = `NAME="Fedora Linux"
ID=fedora
PRETTY_NAME="Fedora Linux 41 (Workstation Edition)"
`;
const ROCKY = `ID="rocky"
ID_LIKE="rhel centos fedora"
PRETTY_NAME="Rocky Linux 9.4"
`;

describe("platform", () => {
  it("parses os-release lines, quoted or not", () => {
    expect(parseOsRelease(DEBIAN)).toMatchObject({
      ID: "debian",
      VERSION_ID: "12",
      PRETTY_NAME: "Debian GNU/Linux 12 (bookworm)",
    });
  });

  it("tells the install families apart", () => {
    expect(detectPlatform("linux", DEBIAN)).toEqual({
      family: "debian",
      name: "Debian GNU/Linux 12 (bookworm)",
    });
    expect(detectPlatform("linux", UBUNTU).family).toBe("ubuntu");
    expect(detectPlatform("linux", MINT).family).toBe("ubuntu");
    expect(detectPlatform("linux", FEDORA).family).toBe("fedora");
    expect(detectPlatform("linux", ROCKY).family).toBe("fedora");
    expect(detectPlatform("linux", "ID=arch\n")).toEqual({ family: "linux", name: "Linux" });
    expect(detectPlatform("linux", undefined).family).toBe("linux");
    expect(detectPlatform("darwin", undefined)).toEqual({ family: "macos", name: "macOS" });
    expect(detectPlatform("win32", undefined).family).toBe("windows");
  });

  it("gives each system its own install command", () => {
    const on = (osRelease: string) => detectPlatform("linux", osRelease);
    expect(installCommand("redis", on(DEBIAN))).toBe("`sudo apt-get install redis-server`");
    expect(installCommand("redis", on(FEDORA))).toBe("`sudo dnf install redis`");
    expect(installCommand("redis", detectPlatform("darwin", undefined))).toBe(
      "`brew install redis`",
    );
    expect(installCommand("browser", on(DEBIAN))).toBe("`sudo apt-get install chromium`");
    expect(installCommand("browser", on(UBUNTU))).toBe("`sudo snap install chromium`");
    expect(installCommand("browser", on(FEDORA))).toBe("`sudo dnf install chromium`");
    expect(installCommand("python", on(DEBIAN))).toContain("python3-venv");
    expect(installCommand("redis", detectPlatform("win32", undefined))).toContain("WSL");
  });
});
