import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { UpstreamError } from "../shared/errors";
import type { MiningPorts } from "./mining";

const HEX_SHA256 = /^[0-9a-f]{64}$/;

interface Call {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: Uint8Array;
}

/**
 * rng and hasher over HTTP: every call has its own timeout, and a non-2xx answer is an error
 * (the original hashed error pages). node:http with keep-alive agents made once per instance,
 * rather than fetch: on Node 20 fetch costs several times the CPU per call, and the miner's
 * whole job is calls.
 */
export function httpMiningPorts(
  urls: { rngUrl: string; hasherUrl: string },
  timeoutMs: number,
): MiningPorts {
  const agents = {
    http: new HttpAgent({ keepAlive: true }),
    https: new HttpsAgent({ keepAlive: true }),
  };

  const call = (upstream: string, url: string, spec: Call): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === "https:";
      const fail = (message: string, status?: number) =>
        reject(new UpstreamError(upstream, message, status));
      const req = (secure ? httpsRequest : httpRequest)(
        target,
        { method: spec.method, headers: spec.headers, agent: secure ? agents.https : agents.http },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", (err) => fail(`response failed: ${err.message}`));
          res.on("end", () => {
            clearTimeout(deadline);
            const body = Buffer.concat(chunks);
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(body);
            else fail(`HTTP ${status} ${body.toString("utf8", 0, 120)}`, status);
          });
        },
      );
      // A whole-call deadline: a server that answers slowly byte by byte cannot stall the loop.
      const deadline = setTimeout(
        () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      req.on("error", (err) => {
        clearTimeout(deadline);
        fail(`request failed: ${err.message}`);
      });
      req.end(spec.body);
    });

  return {
    async random(count) {
      const body = await call("rng", `${urls.rngUrl}/${count}`, {
        method: "GET",
        // API Gateway (AWS, LocalStack) returns a base64 body as bytes only when Accept names
        // a binary media type; without it the worker would get base64 text.
        headers: { accept: "application/octet-stream" },
      });
      if (body.length !== count) {
        throw new UpstreamError("rng", `asked for ${count} bytes, got ${body.length}`);
      }
      return new Uint8Array(body);
    },
    async hash(bytes) {
      const body = await call("hasher", urls.hasherUrl, {
        method: "POST",
        headers: {
          "content-type": "application/octet-stream",
          "content-length": String(bytes.length),
        },
        body: bytes,
      });
      const hex = body.toString("utf8").trim();
      if (!HEX_SHA256.test(hex)) {
        throw new UpstreamError("hasher", `not a SHA-256 hex digest: ${hex.slice(0, 80)}`);
      }
      return hex;
    },
  };
}
