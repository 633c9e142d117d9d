/** Small HTTP helpers for the reliability tests: one request, its status and its parsed body. */

export interface Probe {
  status: number;
  contentType: string;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
  headers: Headers;
}

export async function probe(url: string, init: RequestInit = {}): Promise<Probe> {
  const res = await fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(10_000) });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    json =
      typeof parsed === "object" && parsed !== null
        ? (parsed as Record<string, unknown>)
        : undefined;
  } catch {
    json = undefined;
  }
  return {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    text,
    json,
    headers: res.headers,
  };
}

/**
 * Lines of the local cloud's strip where a function answered 5xx or logged an unhandled error:
 * what "never a 5xx or a crash" rules out. Access-log lines read `rng | GET /rng/32 200 …`.
 */
export function serverErrors(output: readonly string[]): string[] {
  return output.filter(
    (line) =>
      /^(rng|hasher|webui|scale)\s+\| [A-Z]+ \S+ 5\d\d\b/.test(line) ||
      /unhandled error|uncaught|UnhandledPromiseRejection/i.test(line),
  );
}
