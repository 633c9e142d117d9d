import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectPlatform } from "../../common/platform";
import { projectRoot } from "../../common/project";
import { MIN_NODE_MAJOR, nodeCheck, TESTED_NODE_MAJORS } from "./node";

const debian = detectPlatform("linux", "ID=debian\n");
const mac = detectPlatform("darwin", undefined);
const on = (version: string, date: string, platform = debian) =>
  nodeCheck({ version, path: "/usr/bin/node", today: new Date(`${date}T12:00:00Z`), platform });

describe("nodeCheck", () => {
  it("agrees with package.json's engines", () => {
    const manifest = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8"));
    expect(manifest.engines.node).toBe(`>=${MIN_NODE_MAJOR}`);
    expect(TESTED_NODE_MAJORS).toContain(MIN_NODE_MAJOR);
  });

  it("passes a tested LTS line, naming the version, the path and the tested ones", () => {
    const check = on("v24.21.0", "2026-12-06");
    expect(check.status).toBe("ok");
    expect(check.summary).toBe("v24.21.0 at /usr/bin/node (tested: 20 and 24)");
    expect(check.fix).toBeUndefined();
  });

  it("warns on an end-of-life line but lets the commands run", () => {
    const check = on("v20.20.2", "2026-12-06");
    expect(check.status).toBe("warn");
    expect(check.summary).toContain("Node 20 reached end of life on 2026-04-30");
    expect(check.fix).toContain("install Node 24: `nvm install 24`");
    expect(on("v20.20.2", "2026-04-30").status).toBe("ok"); // its last day
    expect(on("v20.20.2", "2026-12-06", mac).fix).toBe("install Node 24: `brew install node@24`");
  });

  it("says a maintained but untested line is expected to work, and until when", () => {
    const check = on("v22.23.3", "2026-12-06");
    expect(check.status).toBe("ok");
    expect(check.summary).toContain("not in CI but expected to work, supported until 2027-04-30");
    expect(on("v26.1.0", "2026-12-06").summary).toContain("supported until 2029-04-30");
  });

  it("says an odd line is not LTS, and warns once it is past its end", () => {
    expect(on("v25.2.0", "2026-05-01").summary).toContain("Node 25 is not an LTS line");
    expect(on("v25.2.0", "2026-12-06").status).toBe("warn");
  });

  it("fails a Node older than the engines allow, or an unreadable version", () => {
    const check = on("v18.20.0", "2026-12-06");
    expect(check.status).toBe("fail");
    expect(check.summary).toContain("too old: the project needs 20 or newer");
    expect(on("nonsense", "2026-12-06").status).toBe("fail");
  });

  it("takes a line newer than its table as supported", () => {
    expect(on("v30.0.0", "2026-12-06")).toMatchObject({ status: "ok" });
  });
});
