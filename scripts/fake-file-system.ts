/**
 * A file system made of a list of paths, for the unit tests of the lookups (browser-lookup.ts,
 * the doctor's checks): executables, and other files or folders that merely exist.
 */
import { dirname } from "node:path";
import type { FileSystemView } from "./browser-lookup";

export function fakeFileSystem(executables: string[], others: string[] = []): FileSystemView {
  const files = new Set([...executables, ...others]);
  const folders = new Set<string>();
  for (const file of files) {
    for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) folders.add(dir);
  }
  return {
    isExecutableFile: (path) => executables.includes(path),
    exists: (path) => files.has(path) || folders.has(path),
    list(path) {
      const prefix = path.endsWith("/") ? path : `${path}/`;
      const names = new Set<string>();
      for (const entry of [...files, ...folders]) {
        if (entry.startsWith(prefix)) names.add(entry.slice(prefix.length).split("/")[0] ?? "");
      }
      names.delete("");
      return [...names];
    },
  };
}
