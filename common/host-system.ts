/**
 * The machine a command runs on, as the pure lookups see it: its file system (browser-lookup.ts's
 * FileSystemView) and its system (platform.ts). The only I/O those modules need.
 */
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import type { FileSystemView } from "./browser/browser-lookup";
import { detectPlatform, type Platform } from "./platform";

export const hostFileSystem: FileSystemView = {
  isExecutableFile(path) {
    try {
      if (!statSync(path).isFile()) return false;
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  exists: (path) => existsSync(path),
  list(path) {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
};

let platform: Platform | undefined;

/** This machine's system, read once (process.platform and /etc/os-release). */
export function hostPlatform(): Platform {
  if (platform === undefined) {
    let osRelease: string | undefined;
    try {
      osRelease = readFileSync("/etc/os-release", "utf8");
    } catch {
      osRelease = undefined; // macOS, Windows, or a Linux without one
    }
    platform = detectPlatform(process.platform, osRelease);
  }
  return platform;
}
