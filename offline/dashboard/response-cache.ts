import { request as httpRequest, type IncomingHttpHeaders } from "node:http";

export interface CachedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A micro-cache for one upstream URL, as an edge cache would sit in front of the API: answers
 * younger than `ttlMs` are served from memory, and concurrent misses share one upstream call.
 * Only 200s are kept, so an outage shows at once.
 */
export class ResponseCache {
  private fresh: { at: number; response: CachedResponse } | undefined;
  private inFlight: Promise<CachedResponse> | undefined;

  constructor(
    private readonly url: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<CachedResponse> {
    if (this.fresh && this.now() - this.fresh.at < this.ttlMs)
      return Promise.resolve(this.fresh.response);
    this.inFlight ??= fetchBuffered(this.url)
      .then((response) => {
        if (response.status === 200) this.fresh = { at: this.now(), response };
        return response;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}

function fetchBuffered(url: string): Promise<CachedResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 502,
          headers: res.headers,
          body: Buffer.concat(chunks),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
