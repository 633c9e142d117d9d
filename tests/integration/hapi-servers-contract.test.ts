import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../common/project";
import { HAPI_VERSION, locateHapi } from "../../offline/serverless/hapi-servers";
import { locateServerlessOffline } from "../../offline/serverless/offline-internals";

// The contract of offline/serverless/hapi-servers.ts with the hapi serverless-offline loads,
// checked on the installed packages: the version it is written for, the two servers created
// from that hapi's `Server`, and what the guard uses of hapi's server and toolkit. Its effect on
// the running servers is checked by tests/integration/walls.test.ts.
const offline = locateServerlessOffline(projectRoot);
const hapi = locateHapi(offline.dir);

describe("the hapi behind serverless-offline", () => {
  it("is the release the guard is written for, and the lockfile pins it", () => {
    expect(hapi.version).toBe(HAPI_VERSION);
    const lock = JSON.parse(readFileSync(join(projectRoot, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string }>;
    };
    expect(lock.packages["node_modules/@hapi/hapi"]?.version).toBe(HAPI_VERSION);
  });

  it.each([
    ["events", "http", "HttpServer.js"],
    ["lambda", "HttpServer.js"],
  ])("serverless-offline's %s/%s builds its server from hapi's Server and starts it", (...path) => {
    const source = readFileSync(join(offline.dir, "src", ...path), "utf8");
    expect(source).toMatch(/import \{ Server \} from "@hapi\/hapi"/);
    expect(source).toMatch(/new Server\(/);
    expect(source).toMatch(/\.start\(\)/);
  });

  it("has the prototype start() the guard wraps, ext(), and the toolkit's abandon", async () => {
    const server = hapi.server({ autoListen: false }) as unknown as Record<string, unknown>;
    const proto = Object.getPrototypeOf(server) as Record<string, unknown>;
    expect(typeof proto.start).toBe("function");
    expect(typeof proto.ext).toBe("function");
    // hapi's own: the `h.abandon` symbol ends a request without a response from hapi.
    const toolkit = (await import(join(hapi.dir, "lib", "toolkit.js"))) as {
      symbols: Record<string, symbol>;
    };
    expect(typeof toolkit.symbols.abandon).toBe("symbol");
  });
});
