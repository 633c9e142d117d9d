/**
 * What the local cloud adds to serverless-offline's two servers, the API (API Gateway, :3000)
 * and the Lambda invoke API (:3002), both hapi servers that serverless-offline creates and
 * keeps in private fields, with no hook of its own for either. So this reaches one level down:
 * every hapi server of the hapi that serverless-offline loads gets, as it starts, two
 * extensions through hapi's public `ext()`:
 * - `onRequest` (the first step of a request, before routing, CORS preflights and payload
 *   parsing): the shared guard (common/http-guard.ts). A foreign Host or Origin is answered with
 *   403 here and the request abandoned, so that no later step (serverless-offline's
 *   origin-reflecting `onPreResponse` included) runs;
 * - `onPreResponse` on the invoke route: a failed invocation answers with the function's own
 *   error type, as Lambda's Invoke API does (serverless-offline writes "Error" whatever failed;
 *   the type is the first line of the trace it sends, `<type>: <message>`).
 *
 * Written for the one hapi release below (the lockfile pins it under serverless-offline
 * 13.10.1): `extendOfflineServers` refuses another, and
 * tests/integration/hapi-servers-contract.test.ts and tests/integration/walls.test.ts check it
 * against the real servers.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { LocalCloudError } from "../../common/errors";
import { type GuardPolicy, refuseForeign } from "../../common/http-guard";

export const HAPI_VERSION = "21.4.10";

/** The parts of a hapi server and request this uses (hapi's documented API). */
interface HapiRequest {
  headers: Record<string, string | undefined>;
  route: { path: string };
  response: { source?: unknown } | null;
  raw: {
    req: IncomingMessage;
    res: ServerResponse;
  };
}
interface HapiToolkit {
  continue: symbol;
  abandon: symbol;
}
interface HapiServerSurface {
  start(): Promise<void>;
  ext(
    event: "onRequest" | "onPreResponse",
    method: (request: HapiRequest, h: HapiToolkit) => symbol,
  ): void;
}

/** hapi is installed in another version than the guard was written for. */
export class HapiVersionError extends LocalCloudError {
  override readonly name = "HapiVersionError";
}

/**
 * The hapi serverless-offline loads, and its version: resolved from serverless-offline's folder,
 * as its own imports are (a copy of hapi nested under it would win over the project's). hapi's
 * package.json has no `exports`, so its manifest resolves as a plain file.
 */
export function locateHapi(offlineDir: string): {
  dir: string;
  version: string;
  server: (options: object) => HapiServerSurface;
} {
  const require = createRequire(join(offlineDir, "package.json"));
  const manifest = require.resolve("@hapi/hapi/package.json");
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  const hapi = require("@hapi/hapi") as { server: (options: object) => HapiServerSurface };
  return { dir: dirname(manifest), version, server: hapi.server };
}

const guarded = new WeakSet<object>();

/** serverless-offline's Lambda invoke route (src/lambda/routes/invocations/invocationsRoute.js). */
const INVOKE_ROUTE = "/2015-03-31/functions/{functionName}/invocations";
const ERROR_TYPE = /^([A-Za-z_$][\w$.]*): /;

/**
 * The function's error type in a failed invocation's answer: serverless-offline writes
 * `errorType: "Error"` and the error's stack as `trace`, whose first line is `<type>: <message>`.
 */
export function withErrorType(payload: unknown): unknown {
  const answer = payload as { errorType?: unknown; trace?: unknown } | null;
  if (answer?.errorType !== "Error" || !Array.isArray(answer.trace)) return payload;
  const type = ERROR_TYPE.exec(String(answer.trace[0] ?? ""))?.[1];
  return type ? { ...answer, errorType: type } : payload;
}

/**
 * From now on, every hapi server of serverless-offline's hapi refuses foreign Host names and
 * Origins before anything else runs, and its invoke API names a failure's error type. Call
 * before serverless-offline starts its servers.
 */
export function extendOfflineServers(offlineDir: string, policy: GuardPolicy): void {
  const hapi = locateHapi(offlineDir);
  if (hapi.version !== HAPI_VERSION) {
    throw new HapiVersionError(
      `the local cloud guards serverless-offline's servers through @hapi/hapi ${HAPI_VERSION}, ` +
        `but ${hapi.version} is installed: run \`npm ci\` (package-lock.json pins it), or see ` +
        "offline/serverless/hapi-servers.ts to move to another version",
    );
  }
  // hapi's server() returns an instance of a class it does not export: its prototype is
  // reached through one server that never listens.
  const proto = Object.getPrototypeOf(hapi.server({ autoListen: false })) as HapiServerSurface;
  if (guarded.has(proto)) return;
  guarded.add(proto);
  const start = proto.start;
  proto.start = function (this: HapiServerSurface) {
    // Refused: the guard has answered on the raw response; hapi abandons the request.
    this.ext("onRequest", (request, h) =>
      refuseForeign(request.raw.req, request.raw.res, policy) ? h.abandon : h.continue,
    );
    this.ext("onPreResponse", (request, h) => {
      const response = request.response;
      if (request.route.path === INVOKE_ROUTE && response && "source" in response) {
        response.source = withErrorType(response.source);
      }
      return h.continue;
    });
    return start.call(this);
  };
}
