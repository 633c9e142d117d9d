import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { HttpError } from "./errors";
import type { Logger } from "./log";

export type HttpEvent = APIGatewayProxyEvent;
export type HttpResult = APIGatewayProxyResult;

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

export function text(body: string, contentType = "text/plain; charset=utf-8"): HttpResult {
  return { statusCode: 200, headers: { "content-type": contentType }, body };
}

export function binary(bytes: Uint8Array): HttpResult {
  return {
    statusCode: 200,
    headers: { "content-type": "application/octet-stream" },
    body: Buffer.from(bytes).toString("base64"),
    isBase64Encoded: true,
  };
}

/**
 * The HTTP stack every API function shares: typed errors become `{error}` JSON with their
 * status, anything unexpected a logged 500; each request leaves one access-log line, like the
 * original's Flask and Sinatra logs.
 */
export function httpHandler(
  log: Logger,
  handle: (event: HttpEvent, context: Context) => Promise<HttpResult>,
  /** Added to every response, errors included (CORS, so a browser can read the error too). */
  headers: Record<string, string> = {},
) {
  // No early timeout (middy's default answers 500 five milliseconds before the deadline): a
  // function that runs out of time times out as Lambda reports it (a timeout, 504 through API
  // Gateway, the instance replaced), which is what the dashboard's Cloud panel counts.
  return middy<HttpEvent, HttpResult>({ timeoutEarlyInMillis: 0 })
    .use({
      before: (request) => {
        request.internal.startedAt = Date.now();
      },
      after: (request) => {
        request.response = {
          ...request.response,
          headers: { ...request.response.headers, ...headers },
        };
        accessLog(log, request.event, request.response, request.internal.startedAt);
      },
      onError: (request) => {
        const err = request.error;
        if (err instanceof HttpError) {
          request.response = json(err.statusCode, { error: err.message }, headers);
        } else {
          log.error("unhandled error", { err });
          request.response = json(500, { error: "internal error" }, headers);
        }
        accessLog(log, request.event, request.response, request.internal.startedAt);
      },
    })
    .handler(handle);
}

function accessLog(
  log: Logger,
  event: HttpEvent,
  response: HttpResult | undefined,
  startedAt: unknown,
) {
  const ms = typeof startedAt === "number" ? Date.now() - startedAt : undefined;
  log.info(`${event.httpMethod} ${event.path} ${response?.statusCode ?? "-"}`, { ms });
}
