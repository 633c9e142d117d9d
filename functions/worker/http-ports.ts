import { UpstreamError } from "../shared/errors";
import type { MiningPorts } from "./mining";

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * rng and hasher over HTTP. Node's fetch keeps connections alive between calls; every call has
 * its own timeout, and a non-2xx answer is an error (the original hashed error pages).
 */
export function httpMiningPorts(
  urls: { rngUrl: string; hasherUrl: string },
  timeoutMs: number,
): MiningPorts {
  return {
    async random(count) {
      const res = await call("rng", `${urls.rngUrl}/${count}`, {
        // API Gateway (AWS, LocalStack) returns a base64 body as bytes only when Accept names
        // a binary media type; without it the worker would get base64 text.
        headers: { accept: "application/octet-stream" },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.length !== count) {
        throw new UpstreamError("rng", `asked for ${count} bytes, got ${bytes.length}`);
      }
      return bytes;
    },
    async hash(bytes) {
      const res = await call("hasher", urls.hasherUrl, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: bytes,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const hex = (await res.text()).trim();
      if (!HEX_SHA256.test(hex))
        throw new UpstreamError("hasher", `not a SHA-256 hex digest: ${hex.slice(0, 80)}`);
      return hex;
    },
  };
}

async function call(upstream: string, url: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new UpstreamError(upstream, `request failed: ${reason}`);
  }
  if (!res.ok) {
    const body = await res.text().catch(() => "");
    throw new UpstreamError(upstream, `HTTP ${res.status} ${body.slice(0, 120)}`, res.status);
  }
  return res;
}
