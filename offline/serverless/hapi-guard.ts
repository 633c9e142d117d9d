/**
 * The shared guard (common/http-guard.ts) in front of serverless-offline's two servers, the API
 * (API Gateway, :3000) and the Lambda invoke API (:3002). Both are hapi servers that
 * serverless-offline creates and keeps in private fields, with a CORS extension that reflects
 * any Origin; serverless-offline offers no hook for either. So this reaches one level down:
 * every hapi server of the hapi that serverless-offline loads gets, as it starts, an `onRequest`
 * extension (hapi's public API; the first step of a request, before routing, CORS preflights
 * and payload parsing) that answers a foreign Host or Origin with 403 itself and abandons the
 * request, so that no later step (serverless-offline's origin-reflecting `onPreResponse`
 * included) runs.
 *
 * Written for the one hapi release below (the lockfile pins it under serverless-offline
 * 13.10.1): `guardHapiServers` refuses another, and tests/integration/offline-contract.test.ts
 * and tests/integration/walls.test.ts check it against the real servers.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { LocalCloudError } from "../../common/errors";
import { checkRequest, type GuardPolicy, refusal } from "../../common/http-guard";

export const HAPI_VERSION = "21.4.10";

/** The parts of a hapi server and request this uses (hapi's documented API). */
interface HapiRequest {
  headers: Record<string, string | undefined>;
  raw: {
    req: { resume(): void };
    res: { writeHead(s: number, h: object): void; end(b: string): void };
  };
}
interface HapiToolkit {
  continue: symbol;
  abandon: symbol;
}
export interface HapiServerSurface {
  start(): Promise<void>;
  ext(event: "onRequest", method: (request: HapiRequest, h: HapiToolkit) => symbol): void;
}

/** hapi is installed in another version than the guard was written for. */
export class HapiVersionError extends LocalCloudError {
  override readonly name = "HapiVersionError";
}

/** The hapi serverless-offline loads (resolved from its folder), and its version. */
export function locateHapi(offlineDir: string): {
  dir: string;
  version: string;
  server: (options: object) => HapiServerSurface;
} {
  const require = createRequire(join(offlineDir, "package.json"));
  const entry = require.resolve("@hapi/hapi");
  let dir = dirname(entry);
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  const { version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    version: string;
  };
  const hapi = require(entry) as { server: (options: object) => HapiServerSurface };
  return { dir, version, server: hapi.server };
}

const guarded = new WeakSet<object>();

/**
 * From now on, every hapi server of serverless-offline's hapi refuses foreign Host names and
 * Origins before anything else runs. Call before serverless-offline starts its servers.
 */
export function guardHapiServers(offlineDir: string, policy: GuardPolicy): void {
  const hapi = locateHapi(offlineDir);
  if (hapi.version !== HAPI_VERSION) {
    throw new HapiVersionError(
      `the local cloud guards serverless-offline's servers through @hapi/hapi ${HAPI_VERSION}, ` +
        `but ${hapi.version} is installed: run \`npm ci\` (package-lock.json pins it), or see ` +
        "offline/serverless/hapi-guard.ts to move to another version",
    );
  }
  // hapi's server() returns an instance of a class it does not export: its prototype is
  // reached through one server that never listens.
  const proto = Object.getPrototypeOf(hapi.server({ autoListen: false })) as HapiServerSurface;
  if (guarded.has(proto)) return;
  guarded.add(proto);
  const start = proto.start;
  proto.start = function (this: HapiServerSurface) {
    this.ext("onRequest", (request, h) => {
      const verdict = checkRequest(
        { host: request.headers.host, origin: request.headers.origin },
        policy,
      );
      if (verdict.allowed) return h.continue;
      const answer = refusal(verdict);
      request.raw.res.writeHead(answer.status, answer.headers);
      request.raw.res.end(answer.body);
      request.raw.req.resume();
      return h.abandon;
    });
    return start.call(this);
  };
}
